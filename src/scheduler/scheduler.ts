import cron from "node-cron";
import type { Logger } from "../logger.ts";

/**
 * The minute tick. What is due is computed from the database on each tick, so a
 * missed or doubled tick changes nothing; overlapping ticks are skipped.
 */
export function startScheduler(tick: () => Promise<unknown>, logger: Logger): { stop(): void } {
  let running = false;
  const task = cron.schedule("* * * * *", async () => {
    if (running) return;
    running = true;
    try {
      const result = await tick();
      logger.debug({ result }, "scheduler tick");
    } catch (error) {
      logger.error({ err: error }, "scheduler tick failed");
    } finally {
      running = false;
    }
  });
  return { stop: () => void task.stop() };
}
