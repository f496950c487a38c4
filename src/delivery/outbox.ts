import type { Clock } from "../core/clock.ts";
import { inSlices } from "../db/chunks.ts";
import type { Db, Prisma } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { insertRows } from "../db/insertRows.ts";

export type DeliveryKind = "ANNOUNCEMENT" | "REMINDER" | "OVERDUE" | "SUMMARY" | "ALERT" | "REVIEW";
export type DeliveryStatus = "PENDING" | "SENDING" | "SENT" | "FAILED" | "BLOCKED";

export interface NewDelivery {
  kind: DeliveryKind;
  dedupeKey: string;
  blocId: number;
  platform: string;
  platformChatId: string;
  chatKind: "PRIVATE" | "GROUP";
  chatId: number | null;
  text: string;
  photoKey?: string | null;
  announcementId?: number | null;
}

/** The announcement behind a message the bot sent to a chat, if it was one. */
export type SentAnnouncementLookup = (
  platform: string,
  platformChatId: string,
  platformMessageId: string,
) => Promise<number | null>;

export interface DeliveryCounts {
  total: number;
  pending: number;
  sent: number;
  failed: number;
  blocked: number;
}

/** Why a delivery failed when no adapter serves its platform (the lead's view names it). */
export const UNSERVED_REASON = "no adapter is configured for this platform";

type Writer = Pick<Db, "delivery" | "$executeRaw"> | Prisma.TransactionClient;

const NEW_DELIVERY_COLUMNS = [
  "kind",
  "dedupeKey",
  "blocId",
  "platform",
  "platformChatId",
  "chatKind",
  "chatId",
  "text",
  "photoKey",
  "announcementId",
  "nextAttemptAt",
  "createdAt",
] as const;

/**
 * The outbox: messages are written here first (in the caller's transaction) and a
 * sender delivers them, so a crash between "decided" and "sent" loses nothing.
 */
export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Adds deliveries; one whose dedupeKey exists already is skipped. Answers how many were new. */
  async enqueue(rows: NewDelivery[], writer: Writer = this.db): Promise<number> {
    if (rows.length === 0) return 0;
    const now = this.clock.now();
    const existing = new Set(
      (
        await inSlices(
          rows.map((r) => r.dedupeKey),
          (keys) =>
            writer.delivery.findMany({
              where: { dedupeKey: { in: keys } },
              select: { dedupeKey: true },
            }),
        )
      ).map((r) => r.dedupeKey),
    );
    const fresh = rows.filter((r) => !existing.has(r.dedupeKey));
    if (fresh.length === 0) return 0;
    await insertRows(
      writer,
      "Delivery",
      NEW_DELIVERY_COLUMNS,
      fresh.map((r) => ({
        ...r,
        photoKey: r.photoKey ?? null,
        announcementId: r.announcementId ?? null,
        nextAttemptAt: now,
        createdAt: now,
      })),
    );
    return fresh.length;
  }

  /**
   * Adds one delivery unless its dedupeKey exists; answers whether it was new. For
   * callers outside a transaction that may race another pass or instance to queue
   * the same message (a unique violation would abort a PostgreSQL transaction).
   */
  async enqueueOnce(row: NewDelivery): Promise<boolean> {
    try {
      await this.db.delivery.create({
        data: {
          ...row,
          photoKey: row.photoKey ?? null,
          announcementId: row.announcementId ?? null,
          nextAttemptAt: this.clock.now(),
          createdAt: this.clock.now(),
        },
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Takes up to `limit` due deliveries of a platform for `owner` until `leaseMs`
   * from now. A row is taken by one owner only, even with several instances. Rows
   * due "too far" ahead (more than `horizonMs`) count as due: the wall clock went
   * back, and a retry must not wait an hour for it.
   */
  async claim(platform: string, owner: string, limit: number, leaseMs: number, horizonMs: number) {
    const now = this.clock.now();
    const due = await this.db.delivery.findMany({
      where: {
        platform,
        status: "PENDING",
        OR: [
          { nextAttemptAt: { lte: now } },
          { nextAttemptAt: { gt: new Date(now.getTime() + horizonMs) } },
        ],
      },
      orderBy: { id: "asc" },
      take: limit,
      select: { id: true },
    });
    if (due.length === 0) return [];
    await this.db.delivery.updateMany({
      where: { id: { in: due.map((d) => d.id) }, status: "PENDING" },
      data: { status: "SENDING", lockedBy: owner, lockedUntil: new Date(now.getTime() + leaseMs) },
    });
    return this.db.delivery.findMany({
      where: { id: { in: due.map((d) => d.id) }, status: "SENDING", lockedBy: owner },
      orderBy: { id: "asc" },
    });
  }

  /** Keeps `owner`'s leases alive while its sends are in flight. */
  async renew(owner: string, leaseMs: number): Promise<number> {
    const { count } = await this.db.delivery.updateMany({
      where: { status: "SENDING", lockedBy: owner },
      data: { lockedUntil: new Date(this.clock.now().getTime() + leaseMs) },
    });
    return count;
  }

  /**
   * Passing failures of a platform wait for their back-off; once a send to that
   * platform works again, they are due at once (the outage is over).
   */
  async retryWaitingNow(platform: string): Promise<number> {
    const now = this.clock.now();
    const { count } = await this.db.delivery.updateMany({
      where: { platform, status: "PENDING", attempts: { gt: 0 }, nextAttemptAt: { gt: now } },
      data: { nextAttemptAt: now },
    });
    return count;
  }

  async markSent(id: number, platformMessageId: string | null = null): Promise<void> {
    await this.db.delivery.update({
      where: { id },
      data: {
        status: "SENT",
        sentAt: this.clock.now(),
        platformMessageId,
        lockedBy: null,
        lockedUntil: null,
      },
    });
  }

  async markFinal(id: number, status: "FAILED" | "BLOCKED", reason: string): Promise<void> {
    await this.db.delivery.update({
      where: { id },
      data: { status, lastError: reason.slice(0, 500), lockedBy: null, lockedUntil: null },
    });
  }

  /** Puts a delivery back in the queue for `at`, counting the attempt when it was one. */
  async retryAt(id: number, at: Date, reason: string, countAttempt: boolean): Promise<void> {
    await this.db.delivery.update({
      where: { id },
      data: {
        status: "PENDING",
        nextAttemptAt: at,
        lastError: reason.slice(0, 500),
        lockedBy: null,
        lockedUntil: null,
        ...(countAttempt ? { attempts: { increment: 1 } } : {}),
      },
    });
  }

  /**
   * Deliveries for a platform no transport serves would wait forever: they end
   * FAILED with the reason, so announcements finish and the lead sees why.
   */
  async failUnserved(platforms: string[]): Promise<number> {
    const { count } = await this.db.delivery.updateMany({
      where: { status: "PENDING", platform: { notIn: platforms } },
      data: { status: "FAILED", lastError: UNSERVED_REASON },
    });
    return count;
  }

  /** Gives back rows taken but not started (a pause, a stop before they were reached). */
  async releaseRows(ids: number[]): Promise<void> {
    await inSlices(ids, async (slice) => {
      await this.db.delivery.updateMany({
        where: { id: { in: slice }, status: "SENDING" },
        data: { status: "PENDING", lockedBy: null, lockedUntil: null },
      });
      return [];
    });
  }

  /** Gives back what `owner` took but did not send (a clean stop). */
  async release(owner: string): Promise<number> {
    const { count } = await this.db.delivery.updateMany({
      where: { status: "SENDING", lockedBy: owner },
      data: { status: "PENDING", lockedBy: null, lockedUntil: null },
    });
    return count;
  }

  /**
   * Takes back deliveries whose owner died (a hard kill): their lease ran out (or
   * lies further ahead than a lease can: the clock went back). Any live sender calls
   * this on every pass. The ones that were in flight may be sent again; that is the
   * only repeat possible.
   */
  async recoverExpired(leaseMs: number): Promise<number> {
    const now = this.clock.now();
    const { count } = await this.db.delivery.updateMany({
      where: {
        status: "SENDING",
        OR: [
          { lockedUntil: { lt: now } },
          { lockedUntil: { gt: new Date(now.getTime() + 2 * leaseMs) } },
        ],
      },
      data: { status: "PENDING", lockedBy: null, lockedUntil: null },
    });
    return count;
  }

  /** Deliveries not yet final, per platform (for /healthz). */
  async backlog(): Promise<Record<string, number>> {
    const groups = await this.db.delivery.groupBy({
      by: ["platform"],
      where: { status: { in: ["PENDING", "SENDING"] } },
      _count: { _all: true },
    });
    return Object.fromEntries(groups.map((g) => [g.platform, g._count._all]));
  }

  async countsFor(announcementId: number): Promise<DeliveryCounts> {
    const groups = await this.db.delivery.groupBy({
      by: ["status"],
      where: { announcementId },
      _count: { _all: true },
    });
    const get = (s: DeliveryStatus) => groups.find((g) => g.status === s)?._count._all ?? 0;
    const counts = {
      pending: get("PENDING") + get("SENDING"),
      sent: get("SENT"),
      failed: get("FAILED"),
      blocked: get("BLOCKED"),
    };
    return { total: counts.pending + counts.sent + counts.failed + counts.blocked, ...counts };
  }

  /** Which announcement a sent message belonged to (for replies to it). */
  async announcementOfMessage(platform: string, platformChatId: string, platformMessageId: string) {
    const row = await this.db.delivery.findFirst({
      where: { platform, platformChatId, platformMessageId, status: "SENT" },
      select: { announcementId: true },
    });
    return row?.announcementId ?? null;
  }

  /** Queues the failed deliveries of an announcement again. */
  async retryFailed(announcementId: number, writer: Writer = this.db): Promise<number> {
    const { count } = await writer.delivery.updateMany({
      where: { announcementId, status: "FAILED" },
      data: { status: "PENDING", attempts: 0, nextAttemptAt: this.clock.now(), lastError: null },
    });
    return count;
  }

  /** Whether anything is waiting to be sent now (for tests and a clean drain). */
  async hasDue(platform?: string): Promise<boolean> {
    const row = await this.db.delivery.findFirst({
      where: {
        status: { in: ["PENDING", "SENDING"] },
        nextAttemptAt: { lte: this.clock.now() },
        ...(platform ? { platform } : {}),
      },
      select: { id: true },
    });
    return row !== null;
  }
}
