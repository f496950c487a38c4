import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "./client.ts";
import { applyMigrations, diffSchemaAgainstMigrations, readMigrations } from "./schemaEngine.ts";

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "thidua-engine-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("migrations through the WebAssembly schema engine", () => {
  it("schema.prisma and prisma/migrations agree (run `npm run db:migration -- <name>` if not)", async () => {
    const drift = await diffSchemaAgainstMigrations({ databaseFile: join(scratch(), "drift.db") });
    expect(drift).toBe("");
  });

  it("applies every migration to a new database once, then nothing", async () => {
    const file = join(scratch(), "nested", "bot.db");
    const names = readMigrations().migrationDirectories.map((d) => d.path);
    expect(await applyMigrations({ databaseFile: file })).toEqual(names);
    expect(existsSync(file)).toBe(true);
    expect(await applyMigrations({ databaseFile: file })).toEqual([]);
  });

  it("leaves the database usable by the bot's client in WAL mode", async () => {
    const file = join(scratch(), "bot.db");
    await applyMigrations({ databaseFile: file });
    const db = await openDatabase(file);
    await db.bloc.create({ data: { name: "Khối thử" } });
    expect(await db.bloc.count()).toBe(1);
    expect(await db.$queryRawUnsafe("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
    await db.$disconnect();
  });

  it("reports drift when the schema has a change no migration covers", async () => {
    const dir = scratch();
    const drift = await diffSchemaAgainstMigrations({
      databaseFile: join(dir, "d.db"),
      migrationsDir: join(dir, "no-migrations"),
    });
    expect(drift).toContain('CREATE TABLE "Bloc"');
  });
});
