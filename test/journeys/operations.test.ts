import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeTelegramApi, type FakeUser } from "../fakes/telegramApi.ts";
import { FakeZaloApi } from "../fakes/zaloApi.ts";
import {
  type BotProcess,
  botEnv,
  freePort,
  prepareDemoFolder,
  runScript,
  startBotProcess,
} from "../helpers/botProcess.ts";
import { telegramFocalPoints } from "../helpers/members.ts";
import { createTestApp } from "../helpers/testApp.ts";
import { testProvider } from "../helpers/testDatabase.ts";

/*
 * The operator's side, against real processes: the admin CLI and db:migrate beside a
 * running bot, a second bot refused, outages that end, health that tells the truth,
 * and a stop that is quick whatever the platform does.
 */

const lan: FakeUser = { id: 501, first_name: "Lan", language_code: "vi" };

let fake: FakeTelegramApi;
let bots: BotProcess[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const bot of bots) await bot.stop();
  bots = [];
  await fake?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

async function prepare(): Promise<string> {
  const dir = await prepareDemoFolder();
  dirs.push(dir);
  return dir;
}

const telegramEnv = () => ({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url });

async function bot(dir: string, env: Record<string, string> = {}) {
  const started = await startBotProcess(dir, { ...telegramEnv(), ...env });
  bots.push(started);
  return started;
}

describe("the operator beside a running bot", () => {
  it("runs admin commands and db:migrate on the same database, and (SQLite) a second bot is refused", async () => {
    fake = await new FakeTelegramApi().start();
    const dir = await prepare();
    const running = await bot(dir);
    const env = botEnv(dir, await freePort(), telegramEnv());

    const list = await runScript("scripts/admin.ts", ["bloc", "list"], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("Khối thi đua các cơ quan Đảng tỉnh");
    const unit = await runScript("scripts/admin.ts", ["unit", "add", "1", "Ban Mới"], env);
    expect(unit.code).toBe(0);
    expect(unit.stdout).toMatch(/^unit \d+: Ban Mới/);
    const migrate = await runScript("scripts/db-migrate.ts", [], env);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain("up to date");
    // Not a speed figure (the bench has those): none waited out the running bot's lock,
    // which would hold it for as long as the bot runs. Loose for a busy machine.
    for (const run of [list, unit, migrate]) expect(run.ms).toBeLessThan(20_000);

    // On PostgreSQL a second process is a second instance (instances.test.ts).
    if (testProvider() === "postgresql") return;
    const second = await startBotProcess(dir, telegramEnv(), { waitForHealth: false });
    const end = await second.exited;
    expect(end.code).toBe(1);
    expect(second.output()).toContain(
      `another thidua-bot is running on ${join(dir, "thidua.db")} (pid ${running.child.pid}, since`,
    );
    // The first one is untouched and still answers.
    expect((await running.health()).status).toBe(200);
  }, 60_000);

  it("starts from another working directory with the project's own paths", async () => {
    fake = await new FakeTelegramApi().start();
    const dir = await prepare();
    // Relative paths in the configuration mean the project's, not the current folder's.
    const env = {
      ...botEnv(dir, await freePort(), telegramEnv()),
      DATABASE_URL: "file:./data/elsewhere-test.db",
    };
    const run = await runScript(
      join(process.cwd(), "scripts/db-migrate.ts"),
      [],
      env,
      mkdtempSync(join(tmpdir(), "thidua-cwd-")),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(join(process.cwd(), "data/elsewhere-test.db"));
    rmSync(join(process.cwd(), "data/elsewhere-test.db"), { force: true });
  }, 30_000);
});

describe("a Telegram outage", () => {
  it("while polling and broadcasting: health goes 503 and back, polling resumes within 30 s, every delivery is sent", async () => {
    fake = await new FakeTelegramApi().start();
    const dir = await prepare();
    const running = await bot(dir, {
      HEALTH_FAILING_AFTER_SECONDS: "10",
      TELEGRAM_POLL_TIMEOUT_SECONDS: "1",
    });
    await fake.until(() => fake.calls.some((c) => c.method === "getUpdates"), 10_000);
    expect((await running.health()).status).toBe(200);

    fake.down = true;
    const t = await createTestApp({ dir });
    t.clock.set(new Date());
    await telegramFocalPoints(t.app.deps.db, 40, 20_000);
    const { id } = await t.app.services.announcements.create({
      blocId: 1,
      actor: "operator",
      leadChatId: null,
      text: "Thông báo trong lúc mất mạng",
      photoKey: null,
      audience: { units: "all" },
    });
    await t.app.deps.db.$disconnect();

    // A two-minute outage, as seen from outside.
    await new Promise((r) => setTimeout(r, 15_000));
    const during = await running.health();
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ ok: false, failing: ["telegram"] });
    await new Promise((r) => setTimeout(r, 105_000));
    fake.down = false;
    const back = Date.now();

    fake.text(501, lan, "/help");
    await fake.until(() => fake.textsIn(501).length > 0, 30_000, "an answer after the outage");
    const resumedMs = Date.now() - back;
    expect(resumedMs).toBeLessThan(30_000);
    await fake.until(
      () => fake.sent.filter((m) => m.text === "Thông báo trong lúc mất mạng").length >= 41,
      60_000,
      "every delivery",
    );
    expect((await running.health()).status).toBe(200);
    const check = await createTestApp({ dir });
    const statuses = await check.app.deps.db.delivery.groupBy({
      by: ["status"],
      where: { announcementId: id, platform: "telegram" },
      _count: { _all: true },
    });
    expect(statuses).toEqual([{ status: "SENT", _count: { _all: 41 } }]);
    await check.app.deps.db.$disconnect();
    console.info(`2-minute outage: polling answered ${resumedMs} ms after Telegram came back`);
  }, 240_000);

  it("does not delay a stop: SIGTERM during an outage ends the process within 5 s", async () => {
    fake = await new FakeTelegramApi().start();
    const dir = await prepare();
    const running = await bot(dir);
    await fake.until(() => fake.calls.some((c) => c.method === "getUpdates"), 10_000);
    fake.down = true;
    await new Promise((r) => setTimeout(r, 3000));
    const asked = Date.now();
    running.child.kill("SIGTERM");
    const end = await running.exited;
    expect(Date.now() - asked).toBeLessThan(5000);
    expect(end.code).toBe(0);
  }, 30_000);

  it("never stops another platform: Zalo answers while Telegram is unreachable", async () => {
    fake = await new FakeTelegramApi().start();
    fake.down = true;
    const zalo = await new FakeZaloApi().start();
    const dir = await prepare();
    const running = await bot(dir, { ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.url });
    zalo.text("zalo-user-1", "Hoa", "/help");
    await zalo.until(() => zalo.textsTo("zalo-user-1").length > 0, 15_000, "Zalo's answer");
    expect(zalo.textsTo("zalo-user-1")[0]).toContain("/join");
    const health = await running.health();
    expect(health.body).toMatchObject({
      adapters: { telegram: { state: "starting (failing)" }, zalo: { state: "polling" } },
    });
    await running.stop();
    await zalo.stop();
  }, 60_000);

  it("with Telegram unreachable at start: the bot starts, says so, and connects when it returns", async () => {
    fake = await new FakeTelegramApi().start();
    fake.down = true;
    const dir = await prepare();
    const running = await bot(dir);
    await new Promise((r) => setTimeout(r, 2000));
    const health = await running.health();
    expect(health.body).toMatchObject({ adapters: { telegram: { state: "starting (failing)" } } });
    fake.down = false;
    fake.text(501, lan, "/help");
    await fake.until(() => fake.textsIn(501).length > 0, 30_000, "an answer");
  }, 60_000);
});
