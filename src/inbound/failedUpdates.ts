import type { Clock } from "../core/clock.ts";
import type { Db } from "../db/client.ts";
import { decodeReplies, encodeReplies } from "./replyCodec.ts";

/**
 * The updates the pipeline gave up on, for the operator (npm run admin -- inbox …):
 * those it could not handle (the user was asked to send them again) and those whose
 * reply did not arrive in full (the user was told what is missing); the rows stay
 * 30 days for a look, a retry after a fix, or a drop.
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

  /**
   * Queues failed updates (one, or all) for the running bot: handled again, or, for
   * a reply that did not arrive in full, its missing parts sent again. Its handling
   * was committed, so handling it again could do its work twice.
   */
  async retry(id: number | "all"): Promise<number> {
    const where = { status: "FAILED", ...(id === "all" ? {} : { id }) };
    const now = this.clock.now();
    const incomplete = await this.db.inboundUpdate.findMany({
      where: { ...where, replies: { not: null } },
      select: { id: true, replies: true },
    });
    for (const row of incomplete) {
      const missing = decodeReplies(row.replies)
        .filter((part) => part.missed !== undefined && !part.notice)
        .map(({ message }) => ({ message }));
      await this.db.inboundUpdate.update({
        where: { id: row.id },
        data: {
          status: "HANDLED",
          replies: encodeReplies(missing),
          repliesSent: 0,
          attempts: 0,
          nextAttemptAt: now,
          processedAt: null,
        },
      });
    }
    const { count } = await this.db.inboundUpdate.updateMany({
      where: { ...where, replies: null },
      data: { status: "PENDING", attempts: 0, nextAttemptAt: now, processedAt: null },
    });
    return count + incomplete.length;
  }

  async drop(id: number | "all"): Promise<number> {
    const { count } = await this.db.inboundUpdate.deleteMany({
      where: { status: "FAILED", ...(id === "all" ? {} : { id }) },
    });
    return count;
  }
}
