import type { Clock } from "../core/clock.ts";
import type { Db } from "../db/client.ts";

/**
 * The updates the pipeline gave up on, for the operator (npm run admin -- inbox …):
 * the user was already asked to send them again; the rows stay 30 days for a look,
 * a retry after a fix, or a drop.
 */
export class FailedUpdates {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async list() {
    const [failed, waiting] = await Promise.all([
      this.db.inboundUpdate.findMany({
        where: { status: "FAILED" },
        orderBy: { id: "asc" },
        select: {
          id: true,
          platform: true,
          updateKey: true,
          receivedAt: true,
          attempts: true,
          lastError: true,
        },
      }),
      this.db.inboundUpdate.count({ where: { status: { in: ["PENDING", "HANDLED"] } } }),
    ]);
    return { failed, waiting };
  }

  /** Queues failed updates (one, or all) to be handled again by the running bot. */
  async retry(id: number | "all"): Promise<number> {
    const { count } = await this.db.inboundUpdate.updateMany({
      where: { status: "FAILED", ...(id === "all" ? {} : { id }) },
      data: { status: "PENDING", attempts: 0, nextAttemptAt: this.clock.now(), processedAt: null },
    });
    return count;
  }

  async drop(id: number | "all"): Promise<number> {
    const { count } = await this.db.inboundUpdate.deleteMany({
      where: { status: "FAILED", ...(id === "all" ? {} : { id }) },
    });
    return count;
  }
}
