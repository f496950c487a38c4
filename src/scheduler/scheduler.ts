import cron from "node-cron";
import type { Logger } from "../logger.ts";

/**
 * A recurring job on a cron expression. What is due is computed from the database
 * on each run, so a missed or doubled run changes nothing; overlapping runs are skipped.
 */
export function startScheduler(
  expression: string,
  tick: () => Promise<unknown>,
  logger: Logger,
): { stop(): void } {
  let running = false;
  const task = cron.schedule(expression, async () => {
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
