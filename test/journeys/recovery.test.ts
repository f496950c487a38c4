import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeTelegramApi, type FakeUser } from "../fakes/telegramApi.ts";
import {
  type BotProcess,
  freePort,
  prepareDemoFolder,
  startBotProcess,
} from "../helpers/botProcess.ts";
import { png } from "../helpers/images.ts";
import { announceToBloc, telegramFocalPoints } from "../helpers/members.ts";
import { createTestApp } from "../helpers/testApp.ts";

/*
 * Invariant 1 and 2 against a real process: the bot is killed with SIGKILL at named
 * points (TEST_CRASH_AT), started again on the same SQLite file, and must end with
 * every acknowledged report stored once and every user answered once.
 */

const lan: FakeUser = { id: 501, first_name: "Lan", language_code: "vi" };
const SECRET = "recovery_webhook_secret";

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

async function openDb(dir: string) {
  const t = await createTestApp({ dir });
  return t.app.deps.db;
}

async function bot(dir: string, env: Record<string, string>, port?: number) {
  const started = await startBotProcess(
    dir,
    {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_ALBUM_WAIT_MS: "300",
      INBOX_RETRY_BASE_MS: "200",
      ...env,
    },
    port ? { port } : {},
  );
  bots.push(started);
  return started;
}

const webhookEnv = (port: number) => ({
  TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/telegram`,
  TELEGRAM_WEBHOOK_SECRET: SECRET,
});

async function killedAt(process: BotProcess): Promise<void> {
  const end = await process.exited;
  expect(end.signal).toBe("SIGKILL");
  expect(process.output()).toContain("crash point");
}

const saved = (chat: number) => fake.textsIn(chat).filter((t) => t.includes("✅ Đã lưu"));

describe("a bot killed with SIGKILL while handling a report", () => {
  it("after the webhook's 200 and before handling: handled after restart, answered once", async () => {
    fake = await new FakeTelegramApi().start();
    const dir = await prepare();
    const port = await freePort();
    const first = await bot(
      dir,
      { ...webhookEnv(port), TEST_CRASH_AT: "inbound:before-handle" },
      port,
    );
    await fake.until(() => fake.webhook !== null, 10_000, "the webhook");
    fake.photo(501, lan, png(30, 30, 1), { caption: "#xanhsachdep" });
    await killedAt(first);
    expect(fake.webhookAnswers).toEqual([200]);
    expect(saved(501)).toEqual([]);

    await bot(dir, webhookEnv(port), port);
    await fake.until(() => saved(501).length > 0, 10_000, "the answer after restart");
    await new Promise((r) => setTimeout(r, 500));
    expect(saved(501)).toHaveLength(1);
    const db = await openDb(dir);
    expect(await db.evidence.count()).toBe(1);
    expect(await db.report.count()).toBe(1);
    await db.$disconnect();
  });

  it.each([
    ["inside the report's transaction", "inbound:before-commit"],
    ["after committing and before the reply", "inbound:after-commit"],
  ])("%s (polling): the photo is stored exactly once and answered once", async (_when, point) => {
    fake = await new FakeTelegramApi().start();
    const dir = await prepare();
    const first = await bot(dir, { TEST_CRASH_AT: point });
    fake.photo(501, lan, png(30, 30, 2), { caption: "#xanhsachdep" });
    await killedAt(first);
    expect(saved(501)).toEqual([]);

    await bot(dir, {});
    await fake.until(() => saved(501).length > 0, 10_000, "the answer after restart");
    await new Promise((r) => setTimeout(r, 500));
    expect(saved(501)).toHaveLength(1);
    const db = await openDb(dir);
    expect(await db.evidence.count()).toBe(1);
    expect(await db.reportRevision.count()).toBe(1);
    expect(await db.inboundUpdate.count({ where: { status: { not: "DONE" } } })).toBe(0);
    await db.$disconnect();
  });

  it("during an album's wait: both photos land in one report, answered once", async () => {
    fake = await new FakeTelegramApi().start();
    const dir = await prepare();
    const first = await bot(dir, { TEST_CRASH_AT: "inbound:album-waiting#2" });
    fake.photo(501, lan, png(30, 30, 3), { caption: "#xanhsachdep", album: "a1" });
    fake.photo(501, lan, png(30, 30, 4), { album: "a1" });
    await killedAt(first);

    await bot(dir, {});
    await fake.until(() => saved(501).length > 0, 10_000, "the album's answer");
    await new Promise((r) => setTimeout(r, 800));
    expect(saved(501)).toHaveLength(1);
    expect(saved(501)[0]).toContain("2 ảnh");
    const db = await openDb(dir);
    expect(await db.evidence.count()).toBe(2);
    expect(await db.report.count()).toBe(1);
    await db.$disconnect();
    // Two bot starts and a kill: on a loaded machine more than the default 20 s.
  }, 60_000);
});

describe("a bot killed in the middle of a 300-chat announcement and started again at once", () => {
  it("reaches every chat, repeats at most the sends in flight, and tells the lead once", async () => {
    fake = await new FakeTelegramApi().start();
    const dir = await prepare();
    const t = await createTestApp({ dir });
    const db = t.app.deps.db;
    await telegramFocalPoints(db, 300, 10_000);
    // The demo lead's console chat is a target too; the fake sees the Telegram ones.
    const { id, targets } = await announceToBloc(
      db,
      t.app.services.announcements,
      "Thông báo: kiểm tra công sở xanh, sạch, đẹp",
    );
    expect(targets).toBe(301);
    await db.$disconnect();
    const announcementTexts = () =>
      fake.sent.filter((m) => m.text.startsWith("Thông báo: kiểm tra"));

    const fast = { TELEGRAM_RATE_PER_SECOND: "300", TELEGRAM_PER_CHAT_INTERVAL_MS: "0" };
    const first = await bot(dir, { ...fast, TEST_CRASH_AT: "delivery:after-send#120" });
    await killedAt(first);
    const beforeRestart = announcementTexts().length;
    expect(beforeRestart).toBeGreaterThanOrEqual(100);
    expect(beforeRestart).toBeLessThan(targets);

    const restartedAt = Date.now();
    await bot(dir, fast);
    await fake.until(
      () => fake.textsIn(501).some((m) => m.includes("đã gửi xong")),
      40_000,
      "the lead's summary",
    );
    await fake.until(
      () => new Set(announcementTexts().map((m) => m.chatId)).size >= targets,
      30_000,
    );
    const settledMs = Date.now() - restartedAt;
    const perChat = new Map<string, number>();
    for (const m of announcementTexts()) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
    const missed = targets - perChat.size;
    const duplicated = [...perChat.values()].filter((n) => n > 1).length;
    expect(missed).toBe(0);
    // The sender has 4 sends in flight at most: only those may repeat.
    expect(duplicated).toBeLessThanOrEqual(4);
    // Lease (15 s) + 10 s.
    expect(settledMs).toBeLessThan(25_000);
    const check = await openDb(dir);
    expect(
      await check.delivery.count({ where: { status: { notIn: ["SENT"] }, kind: "ANNOUNCEMENT" } }),
    ).toBe(0);
    // (The demo campaign's past deadlines may bring the scheduler's own summaries too.)
    expect(await check.delivery.count({ where: { dedupeKey: `announcement:${id}:summary` } })).toBe(
      1,
    );
    expect(fake.textsIn(501).filter((m) => m.includes("đã gửi xong"))).toEqual([
      expect.stringContaining(`${targets + 1}/${targets + 1} thành công`),
    ]);
    await check.$disconnect();
    console.info(
      `300-chat kill: ${beforeRestart} sent before the kill, missed ${missed}, duplicated ${duplicated}, settled ${settledMs} ms after restart`,
    );
  }, 90_000);
});

describe("a bot killed with SIGKILL between two parts of a reply", () => {
  it("sends after the restart only the parts that had not arrived: the export's documents once each", async () => {
    fake = await new FakeTelegramApi().start();
    // Telegram's rule for one chat: a burst of three, then one a second.
    fake.limits = {
      perSecond: 30,
      perChatIntervalMs: 1000,
      perChatBurst: 3,
      perGroupPerMinute: 20,
    };
    const dir = await prepare();
    const t = await createTestApp({ dir });
    const invite = await t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await t.app.services.membership.join(
      { platform: "telegram", platformChatId: "900", kind: "PRIVATE" },
      { platformUserId: "502", displayName: "Minh" },
      invite.code,
      "vi",
    );
    await t.app.deps.db.$disconnect();
    const minh: FakeUser = { id: 502, first_name: "Minh", language_code: "vi" };
    const documents = () =>
      fake.sent.filter((m) => m.chatId === "900" && m.method === "sendDocument");
    const base = "thidua-1-xay-dung-co-quan-cong-so-van-minh-xanh-s";

    // The links come first; the press of "send all" takes the buttons off them, then
    // answers with a text, the spreadsheet, the CSV and the seal. Killed once the
    // spreadsheet is marked sent.
    const first = await bot(dir, { TEST_CRASH_AT: "inbound:between-parts#3" });
    fake.text(900, minh, "/export");
    const offer = () => fake.sent.filter((m) => m.chatId === "900" && m.buttons.length > 0).at(-1);
    await fake.until(() => offer() !== undefined, 15_000, "the export's links");
    const all = offer()?.buttons.find((b) => b.text.startsWith("📎 Gửi cả"));
    fake.press(900, minh, all?.text ?? "no such button");
    await killedAt(first);
    expect(documents().map((d) => d.document?.name)).toEqual([`${base}.xlsx`]);

    await bot(dir, {});
    await fake.until(() => documents().length >= 3, 15_000, "the rest of the reply");
    await new Promise((r) => setTimeout(r, 1500));
    // Each document once, the export's seal last. (A restarted process does not know what
    // the killed one sent in the last second: a 429 there is honoured and that part resent
    // alone, never a document twice.)
    expect(documents().map((d) => d.document?.name)).toEqual([
      `${base}.xlsx`,
      `${base}.csv`,
      "manifest.sha256",
    ]);
    expect(fake.textsIn(900).filter((m) => m.includes("/downloads/"))).toHaveLength(1);
    // Built once: the restart sent the stored reply, it did not export again.
    expect(readdirSync(join(dir, "exports"))).toHaveLength(1);
    const db = await openDb(dir);
    expect(await db.inboundUpdate.count({ where: { status: { not: "DONE" } } })).toBe(0);
    await db.$disconnect();
  });
});
