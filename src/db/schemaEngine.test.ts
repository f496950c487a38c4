import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { postgresServer } from "../../test/helpers/testDatabase.ts";
import { openDatabase } from "./client.ts";
import { createDatabase, dropDatabase, scratchName } from "./postgresDatabases.ts";
import { MIGRATIONS_DIRS } from "./providers.ts";
import { applyMigrations, diffSchemaAgainstMigrations, readMigrations } from "./schemaEngine.ts";
import type { DatabaseTarget } from "./target.ts";

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "thidua-engine-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const server = await postgresServer();
const databases: string[] = [];
afterAll(async () => {
  if (server) for (const name of databases) await dropDatabase(server, name);
});

/** An empty database of the provider. */
async function emptyTarget(provider: DatabaseTarget["provider"]): Promise<DatabaseTarget> {
  if (provider === "sqlite") return { provider, file: join(scratch(), "nested", "bot.db") };
  const name = scratchName("thidua_engine");
  databases.push(name);
  return { provider, url: await createDatabase(server ?? "", name) };
}

const providers = server ? (["sqlite", "postgresql"] as const) : (["sqlite"] as const);

describe.each(providers)("migrations on %s through the WebAssembly schema engine", (provider) => {
  it("schema.prisma and the provider's migrations agree (run `npm run db:migration -- <name>` if not)", async () => {
    const drift = await diffSchemaAgainstMigrations({ target: await emptyTarget(provider) });
    expect(drift).toBe("");
  });

  it("applies every migration to a new database once, then nothing", async () => {
    const target = await emptyTarget(provider);
    const names = readMigrations(MIGRATIONS_DIRS[provider]).migrationDirectories.map((d) => d.path);
    expect(names.length).toBeGreaterThan(0);
    expect(await applyMigrations({ target })).toEqual(names);
    if (target.provider === "sqlite") expect(existsSync(target.file)).toBe(true);
    expect(await applyMigrations({ target })).toEqual([]);
  });

  it("leaves the database usable by the bot's client", async () => {
    const target = await emptyTarget(provider);
    await applyMigrations({ target });
    const db = await openDatabase(target);
    await db.bloc.create({ data: { name: "Khối thử" } });
    expect(await db.bloc.count()).toBe(1);
    if (provider === "sqlite") {
      expect(await db.$queryRawUnsafe("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
    }
    await db.$disconnect();
  });

  it("reports drift when the schema has a change no migration covers", async () => {
    const drift = await diffSchemaAgainstMigrations({
      target: await emptyTarget(provider),
      migrationsDir: join(scratch(), "no-migrations"),
    });
    expect(drift).toContain('CREATE TABLE "Bloc"');
  });
});
