import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { inject } from "vitest";
import { ManualClock } from "../../src/core/clock.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { createTestApp } from "./testApp.ts";
import { databaseUrlOf } from "./testDatabase.ts";

/*
 * The bot as an operator runs it: the bundle `npm start` runs (built once per test
 * run by the global setup), in its own process, configured only through its
 * environment, so a test can kill it with SIGKILL, start it again on the same files,
 * and watch it from outside.
 */

export const PROJECT_ROOT = resolve(import.meta.dirname, "../..");

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export interface BotProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  health(): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** The environment of a bot on the test's own folder, console off, no demo seed. */
export function botEnv(dir: string, port: number, env: Record<string, string>) {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    DATABASE_URL: databaseUrlOf(dir),
    DATA_DIR: dir,
    CONSOLE_CHAT: "off",
    SEED_DEMO: "off",
    HTTP_HOST: "127.0.0.1",
    HTTP_PORT: String(port),
    LOG_LEVEL: "warn",
    ...env,
  };
}

export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  cwd = PROJECT_ROOT,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  // tsx is resolved from the project, so the script runs from any working directory.
  const tsx = join(PROJECT_ROOT, "node_modules/tsx/dist/esm/index.mjs");
  const child = spawn(process.execPath, ["--import", pathToFileURL(tsx).href, script, ...args], {
    cwd,
    env,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((done) =>
    child.on("exit", (code) => done({ code, stdout, stderr, ms: Date.now() - started })),
  );
}

/** Starts the bot and waits until /healthz answers (or the process ends first). */
export async function startBotProcess(
  dir: string,
  env: Record<string, string>,
  options: { port?: number; waitForHealth?: boolean; fileLimit?: number } = {},
): Promise<BotProcess> {
  const port = options.port ?? (await freePort());
  const node = [process.execPath, inject("builtBot")];
  // prlimit sets the limit on open files of the process it starts (as systemd's LimitNOFILE).
  const command = options.fileLimit
    ? ["prlimit", `--nofile=${options.fileLimit}:${options.fileLimit}`, ...node]
    : node;
  const child = spawn(command[0] ?? "", command.slice(1), {
    cwd: PROJECT_ROOT,
    env: botEnv(dir, port, env),
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on("exit", (code, signal) => done({ code, signal })),
  );
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const health = async () => {
    const response = await fetch(`${url}/healthz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  if (options.waitForHealth !== false) {
    const start = Date.now();
    for (;;) {
      if (ended) break;
      const ok = await health().then(
        () => true,
        () => false,
      );
      if (ok) break;
      if (Date.now() - start > 20_000) throw new Error(`bot did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    child,
    url,
    output: () => output,
    exited,
    health,
    stop: async () => {
      if (!ended) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * The files a bot process starts on: the demo bloc on a fresh database, with Lan
 * already the focal point of unit 2 on Telegram (chat and user 501). Answers the folder.
 */
export async function prepareDemoFolder(options: { seededAt?: Date } = {}): Promise<string> {
  // Seeded on today's date by default, as the bot processes run on the real clock: a
  // bloc seeded months ago has every deadline overdue, and the scheduler's minute tick
  // during a journey sends overdue notices it did not expect (seen in three journeys).
  const t = await createTestApp({
    clock: new ManualClock((options.seededAt ?? new Date()).toISOString()),
  });
  const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  await t.app.services.membership.join(
    { platform: "telegram", platformChatId: "501", kind: "PRIVATE" },
    { platformUserId: "501", displayName: "Lan" },
    invites[1]?.code ?? "",
    "vi",
  );
  await t.app.deps.db.$disconnect();
  return t.dir;
}

/** One reminder tick in its own process (tickProcess.ts), as another instance's scheduler runs it. */
export async function tickInAnotherProcess(
  dir: string,
  at: string,
): Promise<{ remindedUnits: number }> {
  const run = await runScript("test/helpers/tickProcess.ts", [databaseUrlOf(dir), dir, at], {
    PATH: process.env.PATH ?? "",
  });
  if (run.code !== 0) throw new Error(`tick failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}
