import type { Logger } from "../logger.ts";

/**
 * When a job runs: every `periodMs` of wall-clock time, at `offsetMs` past each
 * period's start (a minute job: period 60 s, offset 0; housekeeping at :17 past each
 * hour: period 1 h, offset 17 min).
 */
export interface Schedule {
  name: string;
  periodMs: number;
  offsetMs?: number;
  /** Called once for each step of the system clock, with its size (negative: back). */
  onStep?: (stepMs: number) => Promise<unknown>;
}

/** A wall-clock jump larger than this between two runs is a clock step, not timer slack. */
const STEP_MS = 30_000;

/**
 * A recurring job. What is due is computed from the database on each run, so a
 * missed or doubled run changes nothing; overlapping runs are skipped.
 *
 * The wait for the next run is a timer (Node's timers run on the monotonic clock)
 * of at most one period, recomputed from the wall clock after every run: when the
 * system clock is stepped, back or forward, the job keeps running at least once a
 * period and re-anchors on the new time at once (a cron library that plans on the
 * wall clock stopped for the size of a backward step, and warned thousands of
 * times for a large one). A step is logged once, with its size.
 */
export function startScheduler(
  schedule: Schedule,
  tick: () => Promise<unknown>,
  logger: Logger,
  wallNow: () => number = Date.now,
  monotonicNow: () => number = () => performance.now(),
): { stop(): void } {
  const { name, periodMs, offsetMs = 0 } = schedule;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running = false;
  let last: { wall: number; mono: number } | null = null;

  const delayToNext = () => {
    const into = (((wallNow() - offsetMs) % periodMs) + periodMs) % periodMs;
    // Never 0 (a run lands on its own boundary again), never over a period.
    return Math.min(periodMs, Math.max(1000, periodMs - into));
  };

  /** The size of a clock step since the last run (0 when none), warned once. */
  const watchClock = () => {
    const now = { wall: wallNow(), mono: monotonicNow() };
    const stepMs = last ? now.wall - last.wall - (now.mono - last.mono) : 0;
    last = now;
    if (Math.abs(stepMs) <= STEP_MS) return 0;
    logger.warn(
      { job: name, stepSeconds: Math.round(stepMs / 1000) },
      "the system clock was stepped; schedules follow the new time",
    );
    return stepMs;
  };

  const run = async () => {
    if (stopped) return;
    const stepMs = watchClock();
    if (stepMs && schedule.onStep) {
      await schedule.onStep(stepMs).catch((error: unknown) => {
        logger.error({ job: name, err: error }, "re-anchoring after a clock step failed");
      });
    }
    if (!running) {
      running = true;
      try {
        const result = await tick();
        logger.debug({ job: name, result }, "scheduler tick");
      } catch (error) {
        logger.error({ job: name, err: error }, "scheduler tick failed");
      } finally {
        running = false;
      }
    }
    plan();
  };

  const plan = () => {
    if (stopped) return;
    timer = setTimeout(() => void run(), delayToNext());
    timer.unref?.();
  };

  watchClock();
  plan();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
