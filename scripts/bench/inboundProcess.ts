/*
 * Inbound quick photo reports with the bot in its own process (compiled, as `npm
 * start` runs it, in webhook mode) against the floor of its own guarantees (floorBot.ts:
 * update stored before the 200, sharp decode, fsynced photo, one transaction, done
 * mark) in its own process, measured interleaved in one run (bot, floor, bot, floor…)
 * so a busy machine weighs on both alike; on SQLite and on PostgreSQL. Photos are
 * 1280×960 JPEG, as Telegram delivers them. Each contestant: closed loop (20 officers,
 * each sending the next photo when answered), CPU ms per report of its process tree
 * (/proc), peak RSS. BENCH_AGAINST=<dir of another commit's worktree> (bench.ts
 * --against) adds that commit's bot to the rotation. Bare grammY (getFile, download,
 * reply: no guarantees) is measured beside them for reference.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { FakeTelegramApi } from "../../test/fakes/telegramApi.ts";
import {
  benchApp,
  benchPostgres,
  load,
  percentile,
  photoUpdate,
  QUICK,
  report,
  treeCpuMs,
} from "./common.ts";
import { jpegPhotos, unique } from "./photos.ts";

const OFFICERS = 210;
const WARMUP = QUICK ? 30 : 100;
const ROUNDS = QUICK ? 2 : 4;
const PER_ROUND = QUICK ? 120 : 250;
const CONCURRENCY = 20;
const SECRET = "bench-secret-token";
const AGAINST = process.env.BENCH_AGAINST;
const AGAINST_LABEL = process.env.BENCH_AGAINST_LABEL ?? "previous";

const pool = await jpegPhotos(QUICK ? 24 : 60);
const fake = await new FakeTelegramApi().start();
const waiting = new Map<string, () => void>();
fake.onSent = (message) => waiting.get(message.chatId)?.();

/** A database with the demo bloc and its officers (Telegram ids), SQLite or the PostgreSQL `url`. */
async function prepareBot(url?: string): Promise<{ dir: string; databaseUrl: string }> {
  const { app, dir, file } = await benchApp(undefined, url ? { DATABASE_URL: url } : {});
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
  return { dir, databaseUrl: url ?? `file:${file}` };
}

const children = new Set<ChildProcess>();
// A bench that throws must not leave a bot holding its port for the next run.
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

function start(command: string[], env: Record<string, string>, cwd = PROJECT_ROOT): ChildProcess {
  const child = spawn(process.execPath, command, {
    cwd,
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
  const bytes = unique(pool, n);
  fake.addFile(fileId, bytes);
  const answered = new Promise<void>((resolve) => waiting.set(String(userId), resolve));
  const started = performance.now();
  const size = { width: 1280, height: 960, bytes: bytes.length };
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify(photoUpdate(updateId++, n + 1, userId, fileId, size)),
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  await answered;
  return performance.now() - started;
}

interface Contestant {
  name: string;
  child: ChildProcess;
  url: string;
  reports: number;
  seconds: number;
  cpuMs: number;
  latencies: number[];
}

/** `total` reports from 20 officers at a time; adds time, CPU and latencies to the contestant. */
async function closedLoop(c: Contestant, total: number): Promise<void> {
  let next = 0;
  const cpuBefore = treeCpuMs(c.child.pid ?? 0);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (next < total) {
        next++;
        // Each worker speaks for its own officers, so no chat has two photos in flight.
        c.latencies.push(await send(c.url, worker + CONCURRENCY * (next % 10)));
      }
    }),
  );
  c.seconds += (performance.now() - started) / 1000;
  c.cpuMs += treeCpuMs(c.child.pid ?? 0) - cpuBefore;
  c.reports += total;
}

const contestant = (name: string, child: ChildProcess, url: string): Contestant => ({
  name,
  child,
  url,
  reports: 0,
  seconds: 0,
  cpuMs: 0,
  latencies: [],
});

/** The bot of the worktree `root`, compiled, in webhook mode, on a database of its own. */
async function startBot(name: string, root: string, port: number, url?: string) {
  const prepared = await prepareBot(url);
  fake.webhook = null;
  // BENCH_PROFILE_DIR=dir writes a CPU profile of the bot process there (where the time goes).
  const profile = process.env.BENCH_PROFILE_DIR;
  const flags = profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [];
  // BENCH_NODE_FLAGS="--optimize-for-size": the bot's Node flags, to weigh one by its cost.
  flags.push(...(process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean));
  const bot = start(
    [...flags, join(root, "scripts/start.mjs")],
    {
      DATA_DIR: prepared.dir,
      DATABASE_URL: prepared.databaseUrl,
      HTTP_PORT: String(port),
      HTTP_HOST: "127.0.0.1",
      CONSOLE_CHAT: "off",
      SEED_DEMO: "off",
      LOG_LEVEL: "warn",
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/telegram`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_RATE_PER_SECOND: "1000",
      TELEGRAM_PER_CHAT_INTERVAL_MS: "0",
    },
    root,
  );
  await fake.until(() => fake.webhook !== null, 120_000, `${name}'s webhook`);
  return contestant(name, bot, `http://127.0.0.1:${port}/webhooks/telegram`);
}

async function startFloor(port: number, url?: string) {
  const dir = mkdtempSync(join(tmpdir(), "thidua-bench-floor-"));
  const env = {
    TOKEN: fake.token,
    API_ROOT: fake.url,
    PORT: String(port),
    SECRET,
    DATA_DIR: dir,
    DATABASE_URL: url ?? `file:${join(dir, "floor.db")}`,
  };
  const child = start(["--import", "tsx", join(PROJECT_ROOT, "scripts/bench/floorBot.ts")], env);
  await waitForPort(port);
  return contestant("floor", child, `http://127.0.0.1:${port}/`);
}

async function waitForPort(port: number): Promise<void> {
  for (const until = Date.now() + 60_000; Date.now() < until; ) {
    const up = await fetch(`http://127.0.0.1:${port}/`, { method: "POST" }).then(
      () => true,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing answers on ${port}`);
}

const figures = (c: Contestant) => {
  const sorted = [...c.latencies].sort((a, b) => a - b);
  return {
    reports: c.reports,
    perSecond: Number((c.reports / c.seconds).toFixed(1)),
    cpuMsPerReport: Number((c.cpuMs / c.reports).toFixed(1)),
    p50ms: Number(percentile(sorted, 50).toFixed(1)),
    p99ms: Number(percentile(sorted, 99).toFixed(1)),
    peakRssMb: peakRssMb(c.child),
  };
};

/** Bot (and the other commit's), floor, bot, floor…: answers the figures by name. */
async function interleaved(database: string, rotation: Contestant[]) {
  const loads: number[] = [];
  for (const c of rotation) for (let i = 0; i < WARMUP; i++) await send(c.url, i);
  for (let round = 0; round < ROUNDS; round++) {
    // Every other round in reverse order, so that going first (or after a given one) favours nobody.
    for (const c of round % 2 === 0 ? rotation : [...rotation].reverse()) {
      loads.push(load()[0] ?? 0);
      await closedLoop(c, PER_ROUND);
    }
  }
  const byName = Object.fromEntries(rotation.map((c) => [c.name, figures(c)]));
  for (const [name, f] of Object.entries(byName)) report(`inbound-${database}-${name}`, f);
  const floor = byName.floor;
  const ratios: Record<string, number> = {};
  for (const [name, f] of Object.entries(byName)) {
    if (name === "floor" || !floor) continue;
    ratios[`${name}OfFloor`] = Number((f.perSecond / floor.perSecond).toFixed(2));
    ratios[`${name}CpuMsOverFloor`] = Number((f.cpuMsPerReport - floor.cpuMsPerReport).toFixed(1));
  }
  const previous = byName[AGAINST_LABEL];
  if (previous && byName.thidua)
    ratios.thiduaOfPrevious = Number((byName.thidua.perSecond / previous.perSecond).toFixed(2));
  report(`inbound-${database}-ratio`, {
    ...ratios,
    rounds: ROUNDS,
    loadavgDuringRounds: [Math.min(...loads), Math.max(...loads)],
  });
  for (const c of rotation) {
    c.child.kill("SIGTERM");
    await new Promise((r) => c.child.once("exit", r));
  }
  return byName;
}

async function duel(database: "sqlite" | "postgresql") {
  const pg = database === "postgresql" ? await benchPostgres() : null;
  if (database === "postgresql" && !pg) return null;
  const floorPg = pg ? await benchPostgres() : null;
  const rotation = [await startBot("thidua", PROJECT_ROOT, 18_761, pg?.url)];
  if (AGAINST)
    rotation.push(
      await startBot(AGAINST_LABEL, AGAINST, 18_764, pg ? (await benchPostgres())?.url : undefined),
    );
  rotation.push(await startFloor(18_765, floorPg?.url));
  const result = await interleaved(database, rotation);
  await pg?.drop();
  await floorPg?.drop();
  return result;
}

const sqlite = await duel("sqlite");
const postgres = await duel("postgresql");
if (sqlite?.thidua && postgres?.thidua)
  report("inbound-postgresql-of-sqlite", {
    ratio: Number((postgres.thidua.perSecond / sqlite.thidua.perSecond).toFixed(2)),
  });

// Bare grammY, for reference: the same platform I/O and nothing else.
fake.webhook = null;
const bare = contestant(
  "bare",
  start(["--import", "tsx", join(PROJECT_ROOT, "scripts/bench/bareBot.ts")], {
    TOKEN: fake.token,
    API_ROOT: fake.url,
    PORT: "18762",
    SECRET,
  }),
  "http://127.0.0.1:18762/",
);
await waitForPort(18_762);
for (let i = 0; i < WARMUP; i++) await send(bare.url, i);
await closedLoop(bare, PER_ROUND * 2);
report("inbound-bare-grammy", figures(bare));
bare.child.kill("SIGTERM");
await fake.stop();
