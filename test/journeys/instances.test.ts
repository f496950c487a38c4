import { rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FakeTelegramApi, type FakeUser } from "../fakes/telegramApi.ts";
import {
  type BotProcess,
  freePort,
  prepareDemoFolder,
  startBotProcess,
  tickInAnotherProcess,
} from "../helpers/botProcess.ts";
import { png } from "../helpers/images.ts";
import { announceToBloc, telegramFocalPoints } from "../helpers/members.ts";
import { createTestApp } from "../helpers/testApp.ts";
import { testProvider } from "../helpers/testDatabase.ts";

/*
 * Several instances on one PostgreSQL database (issue 14): three real bot processes,
 * webhooks spread round-robin by a small proxy as a load balancer would, one killed
 * with SIGKILL in the middle of the work. Runs in `npm run test:postgresql`.
 */

const lan: FakeUser = { id: 501, first_name: "Lan", language_code: "vi" };
const SECRET = "instances_webhook_secret";
const SHARED = {
  INSTANCES: "3",
  MEDIA_SIGNING_SECRET: "m".repeat(40),
  INVITE_CODE_KEY: "k".repeat(40),
  BALLOT_KEY: "b".repeat(40),
  DELIVERY_LEASE_MS: "3000",
};

let fake: FakeTelegramApi;
let bots: BotProcess[] = [];
let dirs: string[] = [];
let proxy: Server | null = null;

afterEach(async () => {
  for (const bot of bots) await bot.stop();
  bots = [];
  await fake?.stop();
  if (proxy) await new Promise((r) => proxy?.close(r));
  proxy = null;
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A load balancer: each request to the next instance; one that refuses is skipped. */
async function roundRobin(targets: number[]): Promise<string> {
  let next = 0;
  const forward = (body: Buffer, headers: Record<string, string>, tries: number) =>
    new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const port = targets[next++ % targets.length];
      const out = request(
        { host: "127.0.0.1", port, path: "/webhooks/telegram", method: "POST", headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 502, body: Buffer.concat(chunks) }),
          );
        },
      );
      out.on("error", (error) =>
        tries > 1 ? forward(body, headers, tries - 1).then(resolve, reject) : reject(error),
      );
      out.end(body);
    });
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-telegram-bot-api-secret-token": String(req.headers["x-telegram-bot-api-secret-token"]),
      };
      forward(Buffer.concat(chunks), headers, targets.length).then(
        (answer) => {
          res.writeHead(answer.status);
          res.end(answer.body);
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
  });
  const server = proxy;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;
}

async function threeBots(dir: string, env: Record<string, string>, ports: number[]) {
  const started = await Promise.all(
    ports.map((port) =>
      startBotProcess(
        dir,
        { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, ...SHARED, ...env },
        { port },
      ),
    ),
  );
  bots.push(...started);
  return started;
}

async function openDb(dir: string) {
  const t = await createTestApp({ dir });
  return t.app.deps.db;
}

const onPostgres = testProvider() === "postgresql";

describe.runIf(onPostgres)("three bot processes on one PostgreSQL database", () => {
  it("a 1,000-chat announcement with one instance killed midway: every chat once, repeats ≤ the sends in flight; an album spread over three instances is one report", async () => {
    fake = await new FakeTelegramApi().start();
    // The platform's limit, enforced exactly: the instances share it (1/3 each).
    fake.limits = { perSecond: 240, perChatIntervalMs: 0, perGroupPerMinute: 20 };
    const dir = await prepareDemoFolder();
    dirs.push(dir);
    const t = await createTestApp({ dir });
    const db = t.app.deps.db;
    await telegramFocalPoints(db, 999, 10_000);
    const { id, targets } = await announceToBloc(
      db,
      t.app.services.announcements,
      "Thông báo: kiểm tra công sở xanh, sạch, đẹp",
    );
    expect(targets).toBe(1000);
    await db.$disconnect();

    const ports = [await freePort(), await freePort(), await freePort()];
    const webhook = await roundRobin(ports);
    const started = Date.now();
    await threeBots(
      dir,
      {
        TELEGRAM_WEBHOOK_URL: webhook,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_RATE_PER_SECOND: "240",
        TELEGRAM_PER_CHAT_INTERVAL_MS: "0",
        TELEGRAM_ALBUM_WAIT_MS: "1000",
      },
      ports,
    );
    const announced = () => fake.sent.filter((m) => m.text.startsWith("Thông báo: kiểm tra"));
    await fake.until(() => announced().length >= 400, 30_000, "400 chats reached");
    const victim = bots[1] as BotProcess;
    victim.child.kill("SIGKILL");
    await victim.exited;
    const atKill = announced().length;

    // Meanwhile Lan's album arrives in three webhooks, one on each live instance and the dead one's turn skipped.
    await fake.until(() => fake.webhook !== null, 5_000, "the webhook");
    for (const seed of [1, 2, 3]) {
      fake.photo(501, lan, png(30, 30, 40 + seed), {
        album: "a-spread",
        ...(seed === 1 ? { caption: "#xanhsachdep" } : {}),
      });
    }

    await fake.until(
      () => new Set(announced().map((m) => m.chatId)).size >= targets,
      60_000,
      "every chat reached",
    );
    const seconds = (Date.now() - started) / 1000;
    await fake.until(
      () => fake.textsIn(501).some((m) => m.includes("✅ Đã lưu")),
      15_000,
      "the album's answer",
    );
    await new Promise((r) => setTimeout(r, 1500));
    const perChat = new Map<string, number>();
    for (const m of announced()) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
    const repeats = [...perChat.values()].filter((n) => n > 1).length;
    console.log(
      `1,000 chats on 3 instances, one killed at ${atKill}: ${seconds.toFixed(1)} s, ${repeats} chats twice, ${fake.rateLimitedChats.length} × 429`,
    );
    expect(perChat.size).toBe(targets);
    // The killed instance had at most its in-flight sends (4) unconfirmed.
    expect(repeats).toBeLessThanOrEqual(4);
    expect([...perChat.values()].every((n) => n <= 2)).toBe(true);
    expect(fake.rateLimitedChats).toEqual([]);

    const saved = fake.textsIn(501).filter((m) => m.includes("✅ Đã lưu"));
    expect(saved).toHaveLength(1);
    expect(saved[0]).toContain("3 ảnh");
    const check = await openDb(dir);
    expect(await check.report.count()).toBe(1);
    expect(await check.evidence.count()).toBe(3);
    expect(
      await check.delivery.count({ where: { announcementId: id, status: { not: "SENT" } } }),
    ).toBe(0);
    await check.$disconnect();
  }, 120_000);

  it("reminders ticked by three instances at the same moment: every unit reminded once", async () => {
    // Seeded in March: the ticks below run on a March clock (the demo's 9 March deadline).
    const dir = await prepareDemoFolder({ seededAt: new Date("2026-03-02T02:00:00Z") });
    dirs.push(dir);
    const t = await createTestApp({ dir });
    await telegramFocalPoints(t.app.deps.db, 300, 10_000);
    await t.app.deps.db.$disconnect();
    // Friday 6 March 17:00 Hanoi: the "3 days before" reminder of the 9 March deadline.
    const at = "2026-03-06T10:00:30Z";
    const ticks = await Promise.all([1, 2, 3].map(() => tickInAnotherProcess(dir, at)));
    const db = await openDb(dir);
    const reminders = await db.delivery.findMany({ where: { kind: "REMINDER" } });
    const perChat = new Map<string, number>();
    for (const r of reminders)
      perChat.set(r.platformChatId, (perChat.get(r.platformChatId) ?? 0) + 1);
    const marks = await db.reminderMark.count();
    await db.$disconnect();
    // Units 2–7 have not reported (the demo's unit 1 has no focal point on Telegram but the console).
    expect(ticks.reduce((n, tick) => n + tick.remindedUnits, 0)).toBe(marks);
    expect(marks).toBeGreaterThan(0);
    expect(reminders.length).toBeGreaterThanOrEqual(300);
    expect([...perChat.values()].filter((n) => n > 1)).toEqual([]);
  }, 60_000);

  it("long polling: one instance polls; when it is killed another polls within 30 s, never two at once", async () => {
    fake = await new FakeTelegramApi().start();
    const dir = await prepareDemoFolder();
    dirs.push(dir);
    const ports = [await freePort(), await freePort(), await freePort()];
    await threeBots(dir, {}, ports);
    await fake.until(() => fake.pollStarts.length >= 5, 20_000, "polling");
    await new Promise((r) => setTimeout(r, 3000));
    expect(fake.pollConflicts).toEqual([]);

    const db = await openDb(dir);
    const lease = await db.lease.findUniqueOrThrow({ where: { name: "poll:telegram" } });
    const poller = bots.find((b) => lease.holder.includes(`-${b.child.pid}-`));
    expect(poller).toBeDefined();
    poller?.child.kill("SIGKILL");
    await poller?.exited;
    const killedAt = Date.now();
    await fake.until(
      () => fake.pollStarts.some((at) => at > killedAt + 50),
      30_000,
      "another instance polling",
    );
    const takeoverMs = (fake.pollStarts.find((at) => at > killedAt + 50) ?? 0) - killedAt;
    const after = await db.lease.findUniqueOrThrow({ where: { name: "poll:telegram" } });
    await db.$disconnect();
    expect(after.holder).not.toBe(lease.holder);
    console.log(`polling taken over ${(takeoverMs / 1000).toFixed(1)} s after the kill`);
    expect(takeoverMs).toBeLessThan(30_000);

    // The instances' minute tick may remind Lan of the demo's past deadlines meanwhile:
    // count the answers to /help only.
    const helps = () => fake.textsIn(501).filter((m) => m.includes("Các lệnh dành cho bạn"));
    fake.text(501, lan, "/help");
    await fake.until(() => helps().length > 0, 10_000, "an answer from the new poller");
    await new Promise((r) => setTimeout(r, 2000));
    expect(helps()).toHaveLength(1);
    expect(fake.maxPollsOpen).toBe(1);
    expect(fake.pollConflicts).toEqual([]);
  }, 90_000);
});
