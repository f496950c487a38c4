import type { Db } from "../db/client.ts";

/** The longest a stored time may lie ahead of now, by what it plans. */
export interface AnchorBounds {
  /** A delivery's next try (the longest back-off, a platform's retry_after). */
  deliveryMs: number;
  /** An inbound update's next try. */
  inboundMs: number;
  /** A lease (polling, chats, a delivery being sent). */
  leaseMs: number;
}

/**
 * After the wall clock was stepped back, times written before the step lie further
 * ahead than anything the bot plans (a retry 2 h away, a lease held for 2 h by a
 * process that died): each is brought back within its bound, so work goes on at once
 * instead of waiting out the size of the step. Nothing legitimate is that far ahead,
 * so this is safe to run any time, and from any instance.
 */
export async function reanchorStoredTimes(db: Db, now: Date, bounds: AnchorBounds) {
  const at = (ms: number) => new Date(now.getTime() + ms);
  const [deliveries, locks, inbound, leases] = await Promise.all([
    db.delivery.updateMany({
      where: { status: "PENDING", nextAttemptAt: { gt: at(bounds.deliveryMs) } },
      data: { nextAttemptAt: now },
    }),
    db.delivery.updateMany({
      where: { lockedUntil: { gt: at(bounds.leaseMs) } },
      data: { lockedUntil: at(bounds.leaseMs) },
    }),
    db.inboundUpdate.updateMany({
      where: { status: "PENDING", nextAttemptAt: { gt: at(bounds.inboundMs) } },
      data: { nextAttemptAt: now },
    }),
    db.lease.updateMany({
      where: { until: { gt: at(bounds.leaseMs) } },
      data: { until: at(bounds.leaseMs) },
    }),
  ]);
  return {
    deliveries: deliveries.count,
    deliveryLocks: locks.count,
    inbound: inbound.count,
    leases: leases.count,
  };
}
