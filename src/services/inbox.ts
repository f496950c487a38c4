import type { Clock } from "../core/clock.ts";
import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";

/**
 * Webhook updates are written here before the platform is answered, so a crash
 * after "200 OK" loses nothing: unprocessed rows are handled on the next start.
 * A redelivered update hits the unique key and is dropped.
 */
export class Inbox {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Stores an update; false when it was already stored (a redelivery). */
  async record(platform: string, updateKey: string, payload: unknown): Promise<boolean> {
    try {
      await this.db.inboundUpdate.create({
        data: {
          platform,
          updateKey,
          payload: JSON.stringify(payload),
          receivedAt: this.clock.now(),
        },
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** The oldest unprocessed updates of a platform, in arrival order. */
  pending(platform: string, take = 50) {
    return this.db.inboundUpdate.findMany({
      where: { platform, processedAt: null, attempts: { lt: 5 } },
      orderBy: { id: "asc" },
      take,
    });
  }

  async done(id: number): Promise<void> {
    await this.db.inboundUpdate.update({ where: { id }, data: { processedAt: this.clock.now() } });
  }

  async failed(id: number): Promise<void> {
    await this.db.inboundUpdate.update({ where: { id }, data: { attempts: { increment: 1 } } });
  }
}
