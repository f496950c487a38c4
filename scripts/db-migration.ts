/*
 * npm run db:migration -- <name>
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes
 * the existing migrations to schema.prisma, using the WebAssembly schema engine.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffSchemaAgainstMigrations, MIGRATIONS_DIR } from "../src/db/schemaEngine.ts";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name>   (lower case, digits and _ only)");
  process.exit(2);
}

const scratch = mkdtempSync(join(tmpdir(), "thidua-migration-"));
try {
  const sql = await diffSchemaAgainstMigrations({ databaseFile: join(scratch, "scratch.db") });
  if (sql.trim() === "") {
    console.log("schema.prisma and prisma/migrations agree: no migration written.");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "migration.sql"), sql);
    writeFileSync(
      join(MIGRATIONS_DIR, "migration_lock.toml"),
      '# Written by npm run db:migration\nprovider = "sqlite"\n',
    );
    console.log(`wrote ${join(dir, "migration.sql")}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
