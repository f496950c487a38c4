/*
 * The bot as an operator runs it, in its own process: time from spawn to /healthz 200
 * on an existing database (2,000 units, one platform configured), and its resident
 * memory once idle — for `npm start` (bundled, dist/) with Telegram and with Zalo (the
 * usual deployment, which loads no grammY), and for tsx (`npm run dev`). Median of 5,
 * 2 s after /healthz; and, for the bundle, once 45 s after, when V8 has shrunk the heap.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config.ts";
import { benchApp, largeBloc, percentile, report } from "./common.ts";

const UNITS = 2000;
const SETTLE_MS = 45_000;
const { app, dir, file } = await benchApp();
await largeBloc(app, UNITS);
await app.deps.db.$disconnect();

type Platform = "telegram" | "zalo";

// A platform that answers nothing: the bot starts, keeps trying, and stays idle.
const PLATFORM_ENV: Record<Platform, Record<string, string>> = {
  telegram: { TELEGRAM_BOT_TOKEN: "1:bench", TELEGRAM_API_ROOT: "http://127.0.0.1:9" },
  zalo: { ZALO_BOT_TOKEN: "1:bench", ZALO_API_ROOT: "http://127.0.0.1:9" },
};

async function once(
  command: string[],
  platform: Platform,
  idleMs = 2000,
): Promise<{ ms: number; rssMb: number }> {
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
  for (;;) {
    const ok = await fetch("http://127.0.0.1:18655/healthz").then(
      () => true,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, idleMs));
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  return { ms, rssMb: Math.round(rssKb / 1024) };
}

// BENCH_NODE_FLAGS="--max-semi-space-size=2": the bot's Node flags, to weigh one by its cost.
const flags = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
const compiled = [...flags, join(PROJECT_ROOT, "scripts/start.mjs")];
// The first start builds dist/ when it is stale; that start is not measured.
await once(compiled, "zalo");
for (const [name, command, platform] of [
  ["compiled", compiled, "telegram"],
  ["compiled-zalo", compiled, "zalo"],
  ["tsx", ["--import", "tsx", join(PROJECT_ROOT, "src/main.ts")], "telegram"],
] as const) {
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await once([...command], platform));
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  const rss = runs.map((r) => r.rssMb).sort((a, b) => a - b);
  // V8 gives back the heap the start grew into only after the process has been idle
  // for a while (its memory reducer): what an idle bot settles at, read 45 s after start.
  const settled = name === "tsx" ? null : await once([...command], platform, SETTLE_MS);
  report(`process-${name}`, {
    units: UNITS,
    platform,
    startToHealthzMs: Math.round(percentile(ms, 50)),
    idleRssMb: percentile(rss, 50),
    ...(settled ? { settledRssMb: settled.rssMb } : {}),
  });
}
