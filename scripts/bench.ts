/*
 * npm run bench: each benchmark in its own process (so peak memory is its own),
 * printed as JSON lines, each with the machine's load average when it was measured.
 * Figures go in issue notes, never in tests.
 *
 *   --quick          the telling figures only, fewer and shorter runs (< 3 min on 2 cores)
 *   --against [ref]  also runs another commit's bot (default: the last landed one), in a
 *                    temporary worktree (removed after), beside this one: inbound, broadcasts
 *   --json           also writes every figure to bench-results.json
 */
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../src/config.ts";

const quick = process.argv.includes("--quick");
const full: [string, string[]][] = [
  ["scripts/bench/broadcast.ts", []],
  ["scripts/bench/broadcastChatter.ts", []],
  ["scripts/bench/broadcastInstances.ts", []],
  ["scripts/bench/inbound.ts", ["thidua"]],
  ["scripts/bench/inbound.ts", ["bare"]],
  ["scripts/bench/inboundProcess.ts", []],
  ["scripts/bench/reminders.ts", []],
  ["scripts/bench/reminders.ts", ["5000"]],
  ["scripts/bench/export.ts", []],
  ["scripts/bench/exportReplies.ts", []],
  ["scripts/bench/dashboard.ts", []],
  ["scripts/bench/progress.ts", []],
  ["scripts/bench/process.ts", []],
  ["scripts/bench/queryCost.ts", []],
  ["scripts/bench/hostileHttp.ts", []],
  ["scripts/bench/recycled.ts", []],
  ["scripts/bench/backfill.ts", []],
  ["scripts/bench/documents.ts", []],
  ["scripts/bench/documents.ts", ["1000"]],
];
// The figures issue 32 asks of every change, in their short form.
const everyday: [string, string[]][] = [
  ["scripts/bench/inboundProcess.ts", []],
  ["scripts/bench/broadcastChatter.ts", []],
  ["scripts/bench/broadcastInstances.ts", []],
  ["scripts/bench/process.ts", []],
];

/**
 * The commit `ref` checked out in a worktree under /tmp, with this checkout's
 * node_modules and its own generated Prisma client (its schema may differ).
 */
function againstWorktree(ref: string): { dir: string; label: string } {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
  const sha = git("rev-parse", "--verify", `${ref}^{commit}`);
  const label = sha.slice(0, 8);
  const dir = join(tmpdir(), `thidua-against-${label}`);
  if (!existsSync(dir)) {
    git("worktree", "add", "--detach", dir, sha);
    symlinkSync(realpathSync(join(PROJECT_ROOT, "node_modules")), join(dir, "node_modules"));
    execFileSync(process.execPath, ["scripts/generate-client.mjs"], { cwd: dir, stdio: "ignore" });
  }
  return { dir, label };
}

/**
 * By default the last landed commit: where this branch left main, or HEAD~1 on main
 * itself (or when there is no main).
 */
function lastLanded(): string {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
  try {
    const base = git("merge-base", "HEAD", "main");
    return base === git("rev-parse", "HEAD") ? "HEAD~1" : base;
  } catch {
    return "HEAD~1";
  }
}

const refAt = process.argv.indexOf("--against");
const asked = process.argv[refAt + 1];
const against =
  refAt < 0 ? null : againstWorktree(asked && !asked.startsWith("--") ? asked : lastLanded());
if (against) console.error(`against ${against.label} (worktree ${against.dir})`);

const env = {
  ...process.env,
  ...(quick ? { BENCH_QUICK: "1" } : {}),
  ...(against ? { BENCH_AGAINST: against.dir, BENCH_AGAINST_LABEL: against.label } : {}),
};
const figures: unknown[] = [];
const started = performance.now();
for (const [script, args] of quick ? everyday : full) {
  const out = execFileSync(process.execPath, ["--import", "tsx", script, ...args], {
    encoding: "utf8",
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  for (const line of out.split("\n").filter((l) => l.startsWith("{"))) {
    console.log(line);
    figures.push(JSON.parse(line));
  }
}
console.error(`bench took ${Math.round((performance.now() - started) / 1000)} s`);
// The other commit's worktree goes again: no checkout is left registered in the repository.
if (against)
  execFileSync("git", ["worktree", "remove", "--force", against.dir], { cwd: PROJECT_ROOT });
// Every figure named with its unit (…Ms, …PerSecond, …Mb, statements…).
if (process.argv.includes("--json")) {
  const file = "bench-results.json";
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, quick, against: against?.label ?? null, figures }, null, 2)}\n`,
  );
  console.error(`wrote ${file}`);
}
