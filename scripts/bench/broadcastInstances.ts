/*
 * Broadcast with three bot processes (compiled, as `npm start` runs them) on one
 * PostgreSQL database sharing one platform limit: 1,000 Telegram chats (one in ten a
 * group), announced once the three are running, against the fake Bot API enforcing
 * the limit exactly (scaled up to 100 messages per second to keep the run short). The instances share the limit by
 * heartbeats: each paces at 1/N of it, N the instances alive. Achieved rate (first
 * send to last) ÷ the limit, and the 429s the fake answered.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config.ts";
import { FakeTelegramApi } from "../../test/fakes/telegramApi.ts";
import { benchApp, benchPostgres, report } from "./common.ts";

const CHATS = 1000;
const INSTANCES = 3;
const LIMITS = { perSecond: 100, perChatIntervalMs: 1000, perGroupPerMinute: 20 };

const postgres = await benchPostgres();
if (!postgres) process.exit(0);
const fake = await new FakeTelegramApi().start();
fake.limits = LIMITS;
const sentAt: number[] = [];
fake.onSent = () => sentAt.push(performance.now());

const { app } = await benchApp(undefined, { DATABASE_URL: postgres.url });
const bloc = await app.services.blocs.createBloc("Khối đo", "Asia/Ho_Chi_Minh", "operator");

const dataDir = mkdtempSync(join(tmpdir(), "thidua-bench-instances-"));
const startBot = (i: number): ChildProcess =>
  spawn(process.execPath, [join(PROJECT_ROOT, "scripts/start.mjs")], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      DATA_DIR: dataDir,
      DATABASE_URL: postgres.url,
      INSTANCES: String(INSTANCES),
      MEDIA_SIGNING_SECRET: "m".repeat(40),
      INVITE_CODE_KEY: "k".repeat(40),
      BALLOT_KEY: "b".repeat(40),
      HTTP_PORT: String(18_771 + i),
      HTTP_HOST: "127.0.0.1",
      CONSOLE_CHAT: "off",
      SEED_DEMO: "off",
      LOG_LEVEL: "warn",
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_RATE_PER_SECOND: String(LIMITS.perSecond),
      TELEGRAM_PER_CHAT_INTERVAL_MS: String(LIMITS.perChatIntervalMs),
      TELEGRAM_GROUP_PER_MINUTE: String(LIMITS.perGroupPerMinute),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });

/** The first instance builds dist/ if it is stale; the others start once it answers. */
async function healthy(port: number): Promise<void> {
  for (const until = Date.now() + 60_000; Date.now() < until; ) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the first instance did not start");
}
const bots = [startBot(0)];
await healthy(18_771);
for (let i = 1; i < INSTANCES; i++) bots.push(startBot(i));
for (let i = 1; i < INSTANCES; i++) await healthy(18_771 + i);
// The lead announces to a bloc that three running instances serve.
await new Promise((r) => setTimeout(r, 2000));
await app.services.outbox.enqueue(
  Array.from({ length: CHATS }, (_, i) => ({
    kind: "ANNOUNCEMENT" as const,
    dedupeKey: `bench:${i}`,
    blocId: bloc.id,
    platform: "telegram",
    platformChatId: i % 10 === 0 ? String(-100_000 - i) : String(100_000 + i),
    chatKind: i % 10 === 0 ? ("GROUP" as const) : ("PRIVATE" as const),
    chatId: null,
    text: "Thông báo: họp sơ kết 6 tháng lúc 8h ngày 30/6 tại hội trường Tỉnh ủy.",
  })),
);
await app.deps.db.$disconnect();

const deadline = Date.now() + 120_000;
while (sentAt.length < CHATS && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 50));
}
for (const bot of bots) bot.kill("SIGTERM");
await Promise.all(bots.map((bot) => new Promise((r) => bot.once("exit", r))));
const seconds = ((sentAt.at(-1) ?? 0) - (sentAt[0] ?? 0)) / 1000;
const achieved = (sentAt.length - 1) / seconds;
report("broadcast-3-instances-postgresql", {
  instances: INSTANCES,
  chats: CHATS,
  sent: sentAt.length,
  allowedPerSecond: LIMITS.perSecond,
  seconds: Number(seconds.toFixed(2)),
  achievedPerSecond: Math.round(achieved),
  efficiency: Number((achieved / LIMITS.perSecond).toFixed(3)),
  rateLimited429: fake.rateLimitedChats.length,
});
await fake.stop();
await postgres.drop();
