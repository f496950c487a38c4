import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type App, createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { type Clock, systemClock } from "../../src/core/clock.ts";
import { openDatabase } from "../../src/db/client.ts";
import { createDatabase, dropDatabase, scratchName } from "../../src/db/postgresDatabases.ts";
import { applyMigrations } from "../../src/db/schemaEngine.ts";
import { createLogger } from "../../src/logger.ts";

/** A fresh bot on a new SQLite file (or the empty database env.DATABASE_URL names), as the benchmarks need it. */
export async function benchApp(clock: Clock = systemClock, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "thidua-bench-"));
  const file = join(dir, "bench.db");
  const config = loadConfig({
    DATABASE_URL: `file:${file}`,
    DATA_DIR: dir,
    LOG_LEVEL: "silent",
    ...env,
  });
  await applyMigrations({ target: config.database });
  let queries = 0;
  const db = await openDatabase(config.database, {
    onQuery: () => {
      queries++;
    },
  });
  const app: App = createApp({ db, config, clock, logger: createLogger("silent") });
  return { app, base: db, dir, file, queries: () => queries };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Samples RSS while `work` runs; answers the work's result and the peak in MB. */
export async function withPeakRss<T>(
  work: () => Promise<T>,
): Promise<{ result: T; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakRssMb: Math.round(peak / 1024 / 1024) };
  } finally {
    clearInterval(timer);
  }
}

/** The machine's load average (1, 5, 15 min) now: each figure says how busy the cores were. */
export const load = () => loadavg().map((l) => Number(l.toFixed(2)));

/** One benchmark's figures as a JSON line, with the load average when they were measured. */
export const report = (name: string, figures: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ bench: name, ...figures, loadavg: load() })}\n`);

/** `npm run bench -- --quick`: fewer and shorter runs of the telling figures. */
export const QUICK = process.env.BENCH_QUICK === "1";

/**
 * CPU time (user + system, ms) used so far by process `pid` and every process under
 * it (the bot's start script, its image decoders), from /proc.
 */
export function treeCpuMs(pid: number): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command (which may hold spaces): state, ppid, … utime (14), stime (15).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    parent.set(Number(entry), Number(fields[1]));
    ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
  }
  const inTree = (p: number): boolean => {
    for (let q: number | undefined = p, depth = 0; q && depth < 20; depth++) {
      if (q === pid) return true;
      q = parent.get(q);
    }
    return false;
  };
  let total = 0;
  for (const [p, t] of ticks) if (inTree(p)) total += t;
  // Clock ticks are 1/100 s on Linux.
  return total * 10;
}

/** "Khối lớn" with `units` units named "Đơn vị 1…n": the large bloc the benchmarks use. */
export async function largeBloc(app: App, units: number) {
  const bloc = await app.services.blocs.createBloc("Khối lớn", "Asia/Ho_Chi_Minh", "operator");
  await app.deps.db.unit.createMany({
    data: Array.from({ length: units }, (_, i) => ({ blocId: bloc.id, name: `Đơn vị ${i + 1}` })),
  });
  return bloc;
}

/** A Telegram update: a photo with a caption, from an officer in their private chat. */
export function photoUpdate(
  updateId: number,
  messageId: number,
  userId: number,
  fileId: string,
  size = { width: 64, height: 48, bytes: 200 },
) {
  return {
    update_id: updateId,
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: "private", first_name: "Cán bộ" },
      from: { id: userId, is_bot: false, first_name: "Cán bộ" },
      photo: [
        {
          file_id: fileId,
          file_unique_id: `u-${fileId}`,
          width: size.width,
          height: size.height,
          file_size: size.bytes,
        },
      ],
      caption: "Tổng vệ sinh #xanhsachdep",
    },
  };
}

/**
 * A new, empty PostgreSQL database for a bench on BENCH_POSTGRES_URL (by default the
 * local server); null, and said, when no server answers.
 */
export async function benchPostgres(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const server = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const name = scratchName("thidua_bench");
  try {
    const url = await createDatabase(server, name);
    return { url, drop: () => dropDatabase(server, name) };
  } catch (error) {
    console.error(`no PostgreSQL at ${server} (${String(error)}): its figures are skipped`);
    return null;
  }
}
