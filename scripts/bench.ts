/*
 * npm run bench: each benchmark in its own process (so peak memory is its own),
 * printed as JSON lines. Figures go in issue notes, never in tests.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const runs: [string, string[]][] = [
  ["scripts/bench/broadcast.ts", []],
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

// `npm run bench -- --json` also writes every figure to bench-results.json: one object
// per benchmark, each figure named with its unit (…Ms, …PerSecond, …Mb, statements…).
const figures: unknown[] = [];
for (const [script, args] of runs) {
  const out = execFileSync(process.execPath, ["--import", "tsx", script, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  for (const line of out.split("\n").filter((l) => l.startsWith("{"))) {
    console.log(line);
    figures.push(JSON.parse(line));
  }
}
if (process.argv.includes("--json")) {
  const file = "bench-results.json";
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, figures }, null, 2)}\n`,
  );
  console.error(`wrote ${file}`);
}
