import { rmSync } from "node:fs";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FakeTelegramApi } from "../fakes/telegramApi.ts";
import {
  type BotProcess,
  freePort,
  prepareDemoFolder,
  startBotProcess,
} from "../helpers/botProcess.ts";
import {
  type Flood,
  idleFlood,
  loopbackAddresses,
  postHuge,
  rssOf,
  send,
  slowBodies,
} from "../helpers/hostileClients.ts";

/*
 * The bot's HTTP server as strangers meet it, before anyone is known: the bot in its
 * own process (the bundle), Telegram in webhook mode against the fake, and real
 * sockets. Bodies too large are refused while they are read and never kept; a flood
 * of connections that say nothing, or send their body a byte a second, gives way to
 * the webhook, /healthz and the dashboard; connections that say nothing are closed.
 */

const SECRET = "hostile_webhook_secret";
const MB = 1024 * 1024;

let fake: FakeTelegramApi | null = null;
let bot: BotProcess | null = null;
let floods: Flood[] = [];
let dir = "";

afterEach(async () => {
  for (const flood of floods) flood.close();
  floods = [];
  await bot?.stop();
  bot = null;
  await fake?.stop();
  fake = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

async function startBot(options: { fileLimit?: number } = {}) {
  fake = await new FakeTelegramApi().start();
  dir = await prepareDemoFolder();
  const port = await freePort();
  bot = await startBotProcess(
    dir,
    {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/telegram`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    },
    { port, ...options },
  );
  const f = fake;
  await f.until(() => f.webhook !== null, 10_000, "the webhook");
  return { bot, fake: f, port };
}

let updateId = 5_000;
/** Lan (Telegram 501, focal point of unit 2) sends /help through the webhook. */
const helpFromLan = (url: string) =>
  send(`${url}/webhooks/telegram`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify({
      update_id: updateId++,
      message: {
        message_id: updateId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 501, type: "private", first_name: "Lan" },
        from: { id: 501, is_bot: false, first_name: "Lan", language_code: "vi" },
        text: "/help",
      },
    }),
  });

/** A webhook update, /healthz and a dashboard page at once: the statuses. */
async function legitimateRequests(url: string): Promise<number[]> {
  const answers = await Promise.all([
    helpFromLan(url),
    send(`${url}/healthz`),
    send(`${url}/web/telegram`),
  ]);
  return answers.map((a) => a.status);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("bodies nobody asked for", () => {
  it("refuses 300 MB and 50 MB unauthenticated bodies with 413 while its memory stays put", {
    timeout: 60_000,
  }, async () => {
    const { bot } = await startBot();
    await pause(2000);
    const before = rssOf(bot.child.pid ?? 0);
    const huge = await Promise.all([
      postHuge(`${bot.url}/web/telegram/login`, 300 * MB),
      postHuge(`${bot.url}/web/telegram/login`, 300 * MB),
    ]);
    const chunked = await postHuge(`${bot.url}/web/telegram/login`, 50 * MB, { chunked: true });
    const form = await postHuge(`${bot.url}/web/invites`, 50 * MB, { chunked: true });
    const toWebhook = await postHuge(`${bot.url}/webhooks/telegram`, 50 * MB, {
      chunked: true,
      headers: { "x-telegram-bot-api-secret-token": SECRET },
    });
    const answers = [...huge, chunked, form, toWebhook];
    expect(answers.map((a) => a.status || a.error)).toEqual([413, 413, 413, 413, 413]);
    // Refused after a few KB, not after the whole body: the client was cut off early.
    for (const answer of [...huge, chunked]) expect(answer.sentBytes).toBeLessThan(20 * MB);
    const after = rssOf(bot.child.pid ?? 0);
    // The highest the process ever was, against before: +1,650 MB for the two 300 MB bodies alone.
    const grown = after.peakMb - Math.max(before.peakMb, before.rssMb);
    expect(
      grown,
      `peak ${before.peakMb} → ${after.peakMb} MB, idle ${before.rssMb} MB`,
    ).toBeLessThan(60);
    expect((await bot.health()).status).toBe(200);
  });

  it("still signs in from a Mini App body of ordinary size", async () => {
    const { bot } = await startBot();
    // Not a valid signature, but read and checked: 401, not 413.
    const answer = await send(`${bot.url}/web/telegram/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `initData=${"a".repeat(3000)}`,
    });
    expect(answer.status).toBe(401);
  });
});

describe("a flood of connections", () => {
  it("1,100 idle connections from the webhook's own address, then from 30 others: the webhook, /healthz and the dashboard are answered", {
    timeout: 60_000,
  }, async () => {
    const { bot, fake, port } = await startBot();
    const one = await idleFlood(port, 1100, ["127.0.0.1"]);
    floods.push(one);
    await pause(1200);
    expect(await legitimateRequests(bot.url)).toEqual([200, 200, 200]);
    // One address holds at most 128 connections.
    expect(one.open()).toBeLessThanOrEqual(128);
    one.close();

    const many = await idleFlood(port, 1100, loopbackAddresses(30));
    floods.push(many);
    await pause(1200);
    expect(await legitimateRequests(bot.url)).toEqual([200, 200, 200]);
    // In all, at most 1,000 and the 64 kept for webhooks and /healthz.
    expect(many.open()).toBeLessThanOrEqual(1064);
    await fake.until(() => fake.textsIn(501).length >= 2, 10_000, "both /help answered");
  });

  it("1,100 bodies sent a byte a second do not shut out legitimate requests", {
    timeout: 60_000,
  }, async () => {
    const { bot, fake, port } = await startBot();
    const slow = { path: "/web/telegram/login", declared: 5000, everyMs: 1000 };
    floods.push(await slowBodies(port, 1100, loopbackAddresses(30), slow));
    await pause(1200);
    const rounds = [];
    for (let i = 0; i < 3; i++) rounds.push(...(await legitimateRequests(bot.url)));
    expect(rounds).toEqual(Array(9).fill(200));
    floods.push(await slowBodies(port, 300, ["127.0.0.1"], slow));
    await pause(1200);
    expect(await legitimateRequests(bot.url)).toEqual([200, 200, 200]);
    await fake.until(() => fake.textsIn(501).length >= 4, 10_000, "every /help answered");
  });

  it("stays under a low open-file limit: 1,100 connections, and the bot still answers", {
    timeout: 60_000,
  }, async () => {
    const { bot, fake, port } = await startBot({ fileLimit: 512 });
    const flood = await idleFlood(port, 1100, loopbackAddresses(30));
    floods.push(flood);
    await pause(1200);
    expect(await legitimateRequests(bot.url)).toEqual([200, 200, 200]);
    // 512 files: 128 kept for the process, 64 for webhooks and /healthz, 320 for the rest.
    expect(flood.open()).toBeLessThanOrEqual(320 + 64);
    await fake.until(() => fake.textsIn(501).length >= 1, 10_000, "/help answered");
    expect(bot.output()).not.toContain("EMFILE");
  });
});

describe("connections that say nothing", () => {
  it("closes one without a request after 10 s and one idle after its answer after 5 s", {
    timeout: 30_000,
  }, async () => {
    const { bot, port } = await startBot();
    const opened = Date.now();
    const closedAfter = (write?: string) =>
      new Promise<number>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => {
          if (write) socket.write(write);
        });
        socket.on("data", () => {});
        socket.on("error", () => {});
        socket.on("close", () => resolve(Date.now() - opened));
      });
    const [silent, halfHeaders, keptAlive] = await Promise.all([
      closedAfter(),
      closedAfter("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"),
      closedAfter("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
    ]);
    expect(silent).toBeGreaterThanOrEqual(9_500);
    expect(silent).toBeLessThan(12_500);
    expect(halfHeaders).toBeGreaterThanOrEqual(9_500);
    expect(halfHeaders).toBeLessThan(12_500);
    expect(keptAlive).toBeGreaterThanOrEqual(4_500);
    expect(keptAlive).toBeLessThan(7_500);
    expect((await bot.health()).status).toBe(200);
  });
});
