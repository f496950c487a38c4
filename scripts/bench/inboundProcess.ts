/*
 * Inbound quick photo reports with the bot in its own process (compiled, as `npm
 * start` runs it, in webhook mode), the fake Telegram and the load here; and, in the
 * same run, a bare grammY bot in its own process doing the same platform I/O (getFile,
 * download, reply). Distinct photos from officers of every unit; 100 updates of
 * warm-up; then a closed loop (20 officers, each sending the next photo when answered:
 * throughput) and an open loop (a fixed arrival rate: latency), and one update at a
 * time (p99). Peak RSS of the bot process alone (VmHWM).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { FakeTelegramApi } from "../../test/fakes/telegramApi.ts";
import { png } from "../../test/helpers/images.ts";
import { benchApp, benchPostgres, percentile, photoUpdate, report } from "./common.ts";

const OFFICERS = 210;
const WARMUP = 100;
const CLOSED = 1000;
const CONCURRENCY = 20;
const OPEN_RATE = Number(process.env.BENCH_OPEN_RATE ?? 40);
const OPEN_SECONDS = 10;
const SERIAL = 200;
const SECRET = "bench-secret-token";

const fake = await new FakeTelegramApi().start();
const waiting = new Map<string, () => void>();
fake.onSent = (message) => waiting.get(message.chatId)?.();

/** Officers (Telegram ids) of the demo bloc's seven units, on SQLite or the PostgreSQL `databaseUrl`. */
async function prepareBot(databaseUrl?: string): Promise<{ dir: string; databaseUrl: string }> {
  const { app, dir, file } = await benchApp(
    undefined,
    databaseUrl ? { DATABASE_URL: databaseUrl } : {},
  );
  await seedDemoBloc(app.services, "Asia/Ho_Chi_Minh");
  for (let unitId = 1; unitId <= 7; unitId++) {
    const invite = await app.services.membership.issueInvite({
      blocId: 1,
      unitId,
      role: "OFFICER",
      maxUses: OFFICERS,
      issuer: "operator",
    });
    for (let i = unitId - 1; i < OFFICERS; i += 7) {
      const id = String(300_000 + i);
      await app.services.membership.join(
        { platform: "telegram", platformChatId: id, kind: "PRIVATE" },
        { platformUserId: id, displayName: `Cán bộ ${i}` },
        invite.code,
        "vi",
      );
    }
  }
  await app.deps.db.$disconnect();
  return { dir, databaseUrl: databaseUrl ?? `file:${file}` };
}

const children = new Set<ChildProcess>();
// A bench that throws must not leave a bot holding its port for the next run.
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

function start(command: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, command, {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

const peakRssMb = (child: ChildProcess) =>
  Math.round(
    Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) /
      1024,
  );

let updateId = 1;
let photoNumber = 0;

/** One officer sends one new photo with the hashtag; resolves with the time to the answer. */
async function send(url: string, officer: number): Promise<number> {
  const userId = 300_000 + (officer % OFFICERS);
  const n = photoNumber++;
  const fileId = `p-${n}`;
  fake.addFile(fileId, png(64, 48, n));
  const answered = new Promise<void>((resolve) => waiting.set(String(userId), resolve));
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify(photoUpdate(updateId++, n + 1, userId, fileId)),
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  await answered;
  return performance.now() - started;
}

async function closedLoop(url: string, total: number) {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (next < total) {
        next++;
        // Each worker speaks for its own officers, so no chat has two photos in flight.
        latencies.push(await send(url, worker + CONCURRENCY * (next % 10)));
      }
    }),
  );
  return { perSecond: total / ((performance.now() - started) / 1000), latencies };
}

async function openLoop(url: string) {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const total = OPEN_RATE * OPEN_SECONDS;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / OPEN_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(url, i).then((ms) => void latencies.push(ms)));
  }
  await Promise.all(pending);
  return latencies;
}

async function serial(url: string) {
  const latencies: number[] = [];
  for (let i = 0; i < SERIAL; i++) latencies.push(await send(url, i));
  return latencies;
}

const summary = (latencies: number[]) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50ms: Number(percentile(sorted, 50).toFixed(1)),
    p99ms: Number(percentile(sorted, 99).toFixed(1)),
  };
};

async function measure(name: string, child: ChildProcess, url: string) {
  for (let i = 0; i < WARMUP; i++) await send(url, i);
  const closed = await closedLoop(url, CLOSED);
  const open = await openLoop(url);
  const one = await serial(url);
  const result = {
    perSecond: Math.round(closed.perSecond),
    closed: summary(closed.latencies),
    openRatePerSecond: OPEN_RATE,
    open: summary(open),
    oneAtATime: summary(one),
    peakRssMb: peakRssMb(child),
  };
  report(`inbound-process-${name}`, result);
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return result;
}

/** The bot, compiled, in webhook mode, on the given database. */
async function botRun(name: string, databaseUrl?: string, botPort = 18_761) {
  const prepared = await prepareBot(databaseUrl);
  fake.webhook = null;
  // BENCH_PROFILE_DIR=dir writes a CPU profile of the bot process there (where the time goes).
  const profile = process.env.BENCH_PROFILE_DIR;
  const flags = profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [];
  // BENCH_NODE_FLAGS="--optimize-for-size": the bot's Node flags, to weigh one by its cost.
  flags.push(...(process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean));
  const bot = start([...flags, join(PROJECT_ROOT, "scripts/start.mjs")], {
    DATA_DIR: prepared.dir,
    DATABASE_URL: prepared.databaseUrl,
    HTTP_PORT: String(botPort),
    HTTP_HOST: "127.0.0.1",
    CONSOLE_CHAT: "off",
    SEED_DEMO: "off",
    LOG_LEVEL: "warn",
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${botPort}/webhooks/telegram`,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_RATE_PER_SECOND: "1000",
    TELEGRAM_PER_CHAT_INTERVAL_MS: "0",
  });
  await fake.until(() => fake.webhook !== null, 60_000, "the bot's webhook");
  return measure(name, bot, `http://127.0.0.1:${botPort}/webhooks/telegram`);
}

const thidua = await botRun("thidua");
// The same bot on PostgreSQL, in the same run (issue 14).
const postgres = await benchPostgres();
const onPostgres = postgres ? await botRun("thidua-postgresql", postgres.url, 18_763) : null;
await postgres?.drop();

// The bare baseline, same I/O.
fake.webhook = null;
const barePort = 18_762;
const bare = start(["--import", "tsx", join(PROJECT_ROOT, "scripts/bench/bareBot.ts")], {
  TOKEN: fake.token,
  API_ROOT: fake.url,
  PORT: String(barePort),
  SECRET,
});
await new Promise((r) => setTimeout(r, 2500));
const baseline = await measure("bare", bare, `http://127.0.0.1:${barePort}/`);
report("inbound-process-ratio", {
  thiduaPerSecond: thidua.perSecond,
  barePerSecond: baseline.perSecond,
  ratio: Number((thidua.perSecond / baseline.perSecond).toFixed(2)),
  ...(onPostgres
    ? {
        postgresqlPerSecond: onPostgres.perSecond,
        postgresqlRatio: Number((onPostgres.perSecond / baseline.perSecond).toFixed(2)),
      }
    : {}),
});
await fake.stop();
