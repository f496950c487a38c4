/*
 * Inbound throughput in webhook mode: quick photo reports (download the photo,
 * check it, store it, write the report and evidence to SQLite, reply), posted by
 * many officers at once; or, with "bare", a grammY bot that only replies.
 * usage: tsx scripts/bench/inbound.ts thidua|bare
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, webhookCallback } from "grammy";
import { TelegramAdapter } from "../../src/adapters/telegram/adapter.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { startHttpServer } from "../../src/http/server.ts";
import { FakeTelegramApi } from "../../test/fakes/telegramApi.ts";
import { png } from "../../test/helpers/images.ts";
import { benchApp, percentile, photoUpdate, report, withPeakRss } from "./common.ts";

const mode = process.argv[2] === "bare" ? "bare" : "thidua";
const USERS = 200;
const UPDATES = 1000;
const CONCURRENCY = 20;
const SECRET = "bench-secret";

const fake = await new FakeTelegramApi().start();
let webhookUrl = "";
let close: () => Promise<void>;
/** SQL statements run so far (the bot's; the bare baseline has none). */
let statements = () => 0;

if (mode === "thidua") {
  const { app, queries } = await benchApp();
  statements = queries;
  await seedDemoBloc(app.services, "Asia/Ho_Chi_Minh");
  const invite = await app.services.membership.issueInvite({
    blocId: 1,
    unitId: 2,
    role: "OFFICER",
    maxUses: USERS,
    issuer: "operator",
  });
  for (let i = 0; i < USERS; i++) {
    const id = String(200_000 + i);
    await app.services.membership.join(
      { platform: "telegram", platformChatId: id, kind: "PRIVATE" },
      { platformUserId: id, displayName: `Cán bộ ${i}` },
      invite.code,
      "vi",
    );
  }
  const adapters: TelegramAdapter[] = [];
  const http = await startHttpServer({
    port: 0,
    host: "127.0.0.1",
    adapters,
    receive: (source, raw) => app.pipeline.receive(source, raw),
    health: async () => ({ ok: true }),
    logger: app.deps.logger,
  });
  webhookUrl = `${http.url}/webhooks/telegram`;
  const adapter = new TelegramAdapter(app.port, {
    token: fake.token,
    apiRoot: fake.url,
    webhookUrl,
    webhookSecret: SECRET,
    pollTimeoutSeconds: 30,
    backoffCapMs: 5000,
    limits: { perSecond: 30, perChatIntervalMs: 1000, perGroupPerMinute: 20 },
  });
  adapters.push(adapter);
  app.pipeline.register(adapter);
  app.pipeline.start();
  await adapter.start();
  await fake.until(() => fake.webhook !== null, 5000, "the webhook");
  close = async () => {
    await adapter.stop();
    await app.pipeline.stop();
    await http.close();
    await app.deps.db.$disconnect();
  };
} else {
  const bot = new Bot(fake.token, { client: { apiRoot: fake.url } });
  await bot.init();
  bot.on("message", (ctx) => ctx.reply("ok"));
  const server = createServer(webhookCallback(bot, "http", { secretToken: SECRET }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
}

// Each officer waits for the bot's answer before sending the next photo.
const waiting = new Map<string, () => void>();
fake.onSent = (message) => waiting.get(message.chatId)?.();
const latencies: number[] = [];
let next = 0;
let updateId = 1;

async function officer(worker: number): Promise<void> {
  while (next < UPDATES) {
    const n = next++;
    const userId = 200_000 + ((n * CONCURRENCY + worker) % USERS);
    const fileId = `bench-photo-${n}`;
    fake.addFile(fileId, png(64, 48, n));
    const update = photoUpdate(updateId++, n + 1, userId, fileId);
    const answered = new Promise<void>((resolve) => waiting.set(String(userId), resolve));
    const start = performance.now();
    const response = await fetch(webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify(update),
    });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    await answered;
    latencies.push(performance.now() - start);
  }
}

const statementsBefore = statements();
const { result: seconds, peakRssMb } = await withPeakRss(async () => {
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => officer(w)));
  return (performance.now() - start) / 1000;
});
latencies.sort((a, b) => a - b);
report(`inbound-${mode}`, {
  updates: UPDATES,
  concurrency: CONCURRENCY,
  perSecond: Math.round(UPDATES / seconds),
  p50ms: Number(percentile(latencies, 50).toFixed(1)),
  p99ms: Number(percentile(latencies, 99).toFixed(1)),
  peakRssMb,
  ...(mode === "thidua"
    ? {
        statementsPerPhotoReport: Number(((statements() - statementsBefore) / UPDATES).toFixed(1)),
        statementsPerCommand: await statementsPerCommand(),
      }
    : {}),
});

/** One officer sends /help 50 times, one after the other: statements per command. */
async function statementsPerCommand(): Promise<number> {
  const userId = 200_000;
  const before = statements();
  for (let i = 0; i < 50; i++) {
    const answered = new Promise<void>((resolve) => waiting.set(String(userId), resolve));
    await fetch(webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify({
        update_id: updateId++,
        message: {
          message_id: 100_000 + i,
          date: Math.floor(Date.now() / 1000),
          chat: { id: userId, type: "private", first_name: "Cán bộ" },
          from: { id: userId, is_bot: false, first_name: "Cán bộ" },
          text: "/help",
          entities: [{ type: "bot_command", offset: 0, length: 5 }],
        },
      }),
    });
    await answered;
  }
  // The row's last mark (DONE) may land just after the answer.
  await new Promise((r) => setTimeout(r, 200));
  return Number(((statements() - before) / 50).toFixed(1));
}
await close();
await fake.stop();
process.exit(0);
