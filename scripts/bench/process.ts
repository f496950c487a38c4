/*
 * The bot as an operator runs it, in its own process, against a bare process (grammY,
 * the same SQLite file, /healthz: bareHealthz.mjs) started alternately in the same run
 * (bot, bare, bot, bare…): time from spawn to /healthz 200 on an existing database
 * (2,000 units, one platform configured); resident memory 2 s after /healthz; and,
 * once, RSS and CPU while idle until 45 s after start (10 s in --quick), when V8 has
 * shrunk the heap. For `npm start` (bundled, dist/) with Telegram; the full bench also
 * measures it with Zalo (which loads no grammY) and under tsx (`npm run dev`).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config.ts";
import { benchApp, largeBloc, load, percentile, QUICK, report, treeCpuMs } from "./common.ts";

const UNITS = 2000;
const RUNS = QUICK ? 3 : 5;
const SETTLE_MS = QUICK ? 10_000 : 45_000;
const { app, dir, file } = await benchApp();
await largeBloc(app, UNITS);
await app.deps.db.$disconnect();

type Platform = "telegram" | "zalo";

// A platform that answers nothing: the bot starts, keeps trying, and stays idle.
const PLATFORM_ENV: Record<Platform, Record<string, string>> = {
  telegram: { TELEGRAM_BOT_TOKEN: "1:bench", TELEGRAM_API_ROOT: "http://127.0.0.1:9" },
  zalo: { ZALO_BOT_TOKEN: "1:bench", ZALO_API_ROOT: "http://127.0.0.1:9" },
};

interface Run {
  ms: number;
  rssMb: number;
  settledRssMb?: number;
  idleCpuMsPerSecond?: number;
}

const rssMb = (pid: number) =>
  Math.round(
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024,
  );

async function once(command: string[], platform: Platform, settle = false): Promise<Run> {
  const env = {
    PATH: process.env.PATH ?? "",
    DATA_DIR: dir,
    DATABASE_URL: `file:${file}`,
    HTTP_PORT: "18655",
    HTTP_HOST: "127.0.0.1",
    CONSOLE_CHAT: "off",
    SEED_DEMO: "off",
    LOG_LEVEL: "silent",
    ...PLATFORM_ENV[platform],
  };
  const started = performance.now();
  const child = spawn(process.execPath, command, { env, cwd: PROJECT_ROOT, stdio: "ignore" });
  const pid = child.pid ?? 0;
  for (;;) {
    const ok = await fetch("http://127.0.0.1:18655/healthz").then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 2000));
  const run: Run = { ms, rssMb: rssMb(pid) };
  if (settle) {
    // Idle: CPU from 2 s after start to the settle time, per second.
    const cpuBefore = treeCpuMs(pid);
    const idleFrom = performance.now();
    await new Promise((r) => setTimeout(r, SETTLE_MS - 2000));
    run.idleCpuMsPerSecond = Number(
      ((treeCpuMs(pid) - cpuBefore) / ((performance.now() - idleFrom) / 1000)).toFixed(2),
    );
    run.settledRssMb = rssMb(pid);
  }
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  return run;
}

const median = (runs: Run[], pick: (r: Run) => number) =>
  percentile(
    runs.map(pick).sort((a, b) => a - b),
    50,
  );

// BENCH_NODE_FLAGS="--max-semi-space-size=2": the bot's Node flags, to weigh one by its cost.
const flags = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
const compiled = [...flags, join(PROJECT_ROOT, "scripts/start.mjs")];
const bare = [join(PROJECT_ROOT, "scripts/bench/bareHealthz.mjs")];
// The first start builds dist/ when it is stale; that start is not measured.
await once(compiled, "zalo");

// Bot and bare alternately, so a busy machine weighs on both alike.
const bot: Run[] = [];
const base: Run[] = [];
const loads: number[] = [];
for (let i = 0; i < RUNS; i++) {
  loads.push(load()[0] ?? 0);
  bot.push(await once(compiled, "telegram"));
  base.push(await once(bare, "telegram"));
}
const botIdle = await once(compiled, "telegram", true);
const bareIdle = await once(bare, "telegram", true);
const startMs = Math.round(median(bot, (r) => r.ms));
const bareMs = Math.round(median(base, (r) => r.ms));
report("process-start-vs-bare", {
  units: UNITS,
  runs: RUNS,
  startToHealthzMs: startMs,
  bareStartToHealthzMs: bareMs,
  startRatio: Number((startMs / bareMs).toFixed(2)),
  rssMbAt2s: median(bot, (r) => r.rssMb),
  bareRssMbAt2s: median(base, (r) => r.rssMb),
  settledAfterS: SETTLE_MS / 1000,
  settledRssMb: botIdle.settledRssMb,
  bareSettledRssMb: bareIdle.settledRssMb,
  idleCpuMsPerSecond: botIdle.idleCpuMsPerSecond,
  bareIdleCpuMsPerSecond: bareIdle.idleCpuMsPerSecond,
  loadavgDuringRuns: [Math.min(...loads), Math.max(...loads)],
});

if (!QUICK) {
  for (const [name, command, platform] of [
    ["compiled-zalo", compiled, "zalo"],
    ["tsx", ["--import", "tsx", join(PROJECT_ROOT, "src/main.ts")], "telegram"],
  ] as const) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once([...command], platform));
    report(`process-${name}`, {
      units: UNITS,
      platform,
      startToHealthzMs: Math.round(median(runs, (r) => r.ms)),
      idleRssMb: median(runs, (r) => r.rssMb),
    });
  }
}
