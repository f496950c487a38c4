// Runs `prisma generate` without the native schema engine: generate does not use
// it, but the CLI insists the file exists, and downloading it fails on our
// machines (DESIGN.md, "Decisions"). Any existing file satisfies the check.
//
// One schema.prisma (SQLite) is the source. The PostgreSQL client is generated from
// the same text with the provider changed (src/db/providers.ts does the same for
// the schema engine), into src/generated/prisma-pg.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const prismaCli = require.resolve("prisma/build/index.js");

const source = readFileSync(join(root, "prisma/schema.prisma"), "utf8");
const pgDir = join(root, "src/generated/postgresql");
mkdirSync(pgDir, { recursive: true });
const pgSchema = join(pgDir, "schema.prisma");
writeFileSync(
  pgSchema,
  source
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/output\s*=\s*"\.\.\/src\/generated\/prisma"/, 'output = "../prisma-pg"'),
);

for (const schema of [join(root, "prisma/schema.prisma"), pgSchema]) {
  execFileSync(process.execPath, [prismaCli, "generate", "--schema", schema], {
    stdio: "inherit",
    cwd: root,
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(import.meta.url),
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
}
