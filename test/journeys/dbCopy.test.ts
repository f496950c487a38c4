import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../src/admin/adminCommands.ts";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { ManualClock } from "../../src/core/clock.ts";
import { openDatabase } from "../../src/db/client.ts";
import { createDatabase, dropDatabase, scratchName } from "../../src/db/postgresDatabases.ts";
import { applyMigrations } from "../../src/db/schemaEngine.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { createLogger } from "../../src/logger.ts";
import { runScript } from "../helpers/botProcess.ts";
import { png } from "../helpers/images.ts";
import { createTestApp, texts } from "../helpers/testApp.ts";
import { postgresServer, testProvider } from "../helpers/testDatabase.ts";

/*
 * Moving a bloc from its SQLite file to PostgreSQL with the admin command, then
 * running the bot on the copy: the same progress, the same photos, new ids after
 * the copied ones. Needs a PostgreSQL server (skipped, and said, without one).
 */

const server = await postgresServer();
const made: string[] = [];
afterAll(async () => {
  if (server) for (const name of made) await dropDatabase(server, name);
});

describe("db copy refuses what it cannot do, in one line, changing nothing", () => {
  it("a target that is not PostgreSQL, or a source that is not SQLite", async () => {
    const t = await createTestApp();
    const copy = (to: string) => runAdminCommand(t.app, ["db", "copy", "--to", to]);
    const expected =
      testProvider() === "sqlite"
        ? /usage: npm run admin -- db copy --to postgresql:/
        : /db copy reads a SQLite database/;
    await expect(copy("mysql://root@db/thidua")).rejects.toThrow(expected);
    await expect(runAdminCommand(t.app, ["db", "copy"])).rejects.toThrow(expected);
    expect(await t.app.deps.db.bloc.count()).toBe(0);
    await t.close();
  });
});

describe.runIf(server)("npm run admin -- db copy --to postgresql://…", () => {
  it("copies the demo bloc with reports and photos, ids and history kept; refuses a database that has data", async () => {
    // The source is a SQLite file whatever this run's provider.
    const dir = mkdtempSync(join(tmpdir(), "thidua-copy-"));
    await applyMigrations({ target: { provider: "sqlite", file: join(dir, "thidua.db") } });
    const t = await createTestApp({ dir });
    const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    await t.chat.as("lan").send(`/join ${invites[1]?.code}`);
    const saved = await t.chat.as("lan").sendFiles(
      [
        { bytes: png(40, 30, 1), fileName: "a.png" },
        { bytes: png(40, 30, 2), fileName: "b.png" },
      ],
      "#xanhsachdep",
    );
    expect(texts(saved)).toContain("✅ Đã lưu");
    await t.chat.as("lead").send("/announce");
    const progressBefore = texts(await t.chat.as("lead").send("/progress"));
    const evidenceBefore = await t.app.deps.db.evidence.findMany({ orderBy: { id: "asc" } });
    const maxUnit = (await t.app.deps.db.unit.aggregate({ _max: { id: true } }))._max.id ?? 0;
    await t.app.deps.db.$disconnect();

    const name = scratchName("thidua_copy");
    made.push(name);
    const url = await createDatabase(server ?? "", name);
    const env = {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: `file:${join(dir, "thidua.db")}`,
      DATA_DIR: dir,
      LOG_LEVEL: "warn",
    };
    const copy = await runScript("scripts/admin.ts", ["db", "copy", "--to", url], env);
    expect(copy.stderr).toBe("");
    expect(copy.code).toBe(0);
    expect(copy.stdout).toMatch(/Evidence\t2/);
    expect(copy.stdout).toContain("row counts match");

    // The bot on the copy: same answers, same photos, new rows after the copied ids.
    const config = loadConfig({ DATABASE_URL: url, DATA_DIR: dir, LOG_LEVEL: "silent" });
    const db = await openDatabase(config.database);
    const app = createApp({
      db,
      config,
      clock: new ManualClock(t.clock.now()),
      logger: createLogger("silent"),
    });
    expect(texts(await app.consoleChat().as("lead").send("/progress"))).toBe(progressBefore);
    const evidenceAfter = await db.evidence.findMany({ orderBy: { id: "asc" } });
    expect(evidenceAfter).toEqual(evidenceBefore);
    for (const e of evidenceAfter) {
      expect((await app.services.evidenceStore.get(e.storageKey)).length).toBeGreaterThan(0);
    }
    const unit = await app.services.blocs.addUnit(1, "Ban mới sau khi chuyển", "operator");
    expect(unit.id).toBe(maxUnit + 1);
    await db.$disconnect();

    const again = await runScript("scripts/admin.ts", ["db", "copy", "--to", url], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("the target already has data");
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
