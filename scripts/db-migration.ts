/*
 * npm run db:migration -- <name>
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql (SQLite) and
 * prisma/migrations-postgresql/<timestamp>_<name>/migration.sql (PostgreSQL), each
 * the SQL that takes that provider's existing migrations to schema.prisma, using
 * the WebAssembly schema engine. PostgreSQL needs a server to diff against: a
 * scratch database is made and dropped on MIGRATION_POSTGRES_URL (by default the
 * local server, postgresql://postgres@127.0.0.1:5432/postgres).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, dropDatabase, scratchName } from "../src/db/postgresDatabases.ts";
import { MIGRATIONS_DIRS, PROVIDERS, type Provider } from "../src/db/providers.ts";
import { diffSchemaAgainstMigrations } from "../src/db/schemaEngine.ts";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name>   (lower case, digits and _ only)");
  process.exit(2);
}
const server =
  process.env.MIGRATION_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

async function diffFor(provider: Provider): Promise<string> {
  if (provider === "sqlite") {
    const scratch = mkdtempSync(join(tmpdir(), "thidua-migration-"));
    try {
      return await diffSchemaAgainstMigrations({
        target: { provider, file: join(scratch, "scratch.db") },
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const database = scratchName("thidua_migration");
  let url: string;
  try {
    url = await createDatabase(server, database);
  } catch (error) {
    console.error(
      `PostgreSQL at ${server} is needed for its migration (${String(error)}); set MIGRATION_POSTGRES_URL`,
    );
    process.exit(1);
  }
  try {
    return await diffSchemaAgainstMigrations({ target: { provider, url } });
  } finally {
    await dropDatabase(server, database);
  }
}

const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
for (const provider of PROVIDERS) {
  const sql = await diffFor(provider);
  const dir = MIGRATIONS_DIRS[provider];
  if (sql.trim() === "") {
    console.log(`${provider}: schema.prisma and ${dir} agree: no migration written.`);
    continue;
  }
  mkdirSync(join(dir, `${stamp}_${name}`), { recursive: true });
  writeFileSync(join(dir, `${stamp}_${name}`, "migration.sql"), sql);
  writeFileSync(
    join(dir, "migration_lock.toml"),
    `# Written by npm run db:migration\nprovider = "${provider}"\n`,
  );
  console.log(`${provider}: wrote ${join(dir, `${stamp}_${name}`, "migration.sql")}`);
}
