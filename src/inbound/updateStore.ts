import type { Clock } from "../core/clock.ts";
import type { UpdateRef } from "../core/port.ts";
import { type Db, Prisma, sqlFragment } from "../db/client.ts";
import { secretPayload } from "./secretPayload.ts";

/** A stored update as the pipeline works on it. */
export interface StoredUpdate {
  id: number;
  platform: string;
  updateKey: string;
  /** Stored with the update, so grouping by chat needs no parsing. */
  chatKey: string;
  payload: string;
  status: string;
  attempts: number;
  replies: string | null;
  repliesSent: number;
  receivedAt: Date;
  /** The payload parsed, once per handling: set at receipt, or on first read of a scanned row. */
  raw?: unknown;
}

/** A row as plain SQL answers it: integers may come as bigints. */
type SqlRow = Omit<StoredUpdate, "id" | "attempts" | "repliesSent" | "receivedAt" | "raw"> & {
  id: number | bigint;
  attempts: number | bigint;
  repliesSent: number | bigint;
};

const COLUMNS = sqlFragment`"id", "platform", "updateKey", "chatKey", "payload", "status",
  "attempts", "replies", "repliesSent"`;

const fromSql = (row: SqlRow, receivedAt: Date): StoredUpdate => ({
  ...row,
  receivedAt,
  id: Number(row.id),
  attempts: Number(row.attempts),
  repliesSent: Number(row.repliesSent),
});

/** The payload of a stored update, parsed once and kept on the row for the rest of its handling. */
export function rawOf(row: StoredUpdate): unknown {
  if (row.raw === undefined) row.raw = JSON.parse(row.payload);
  return row.raw;
}

/** The chat a stored update belongs to, across platforms (an update without one is its own). */
export const chatOf = (row: StoredUpdate) => `${row.platform}:${row.chatKey || row.updateKey}`;

/** Rows read from the database per scan. */
export const SCAN_PAGE = 200;

/** Answered updates whose "done" mark is written together. */
interface DoneBatch {
  ids: number[];
  written: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The InboundUpdate table: every update stored before the platform is acknowledged,
 * then marked handled (with its replies), done, retried later or given up. The only
 * code that writes the table's status.
 */
export class UpdateStore {
  #nextDone: DoneBatch | null = null;
  #writingDone = false;
  #endedListener: ((ids: number[]) => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Hears which rows reached their end (done, or given up): someone in this process may wait. */
  onEnded(listener: (ids: number[]) => void): void {
    this.#endedListener = listener;
  }

  /** These rows are done or given up (written by this store, or by the replies' last mark). */
  ended(ids: number[]): void {
    this.#endedListener?.(ids);
  }

  /** Stores a raw update; null when it was stored before (a redelivery meets the unique key). */
  async insert(platform: string, ref: UpdateRef, raw: unknown): Promise<StoredUpdate | null> {
    const receivedAt = this.clock.now();
    const [stored] = await this.db.$queryRaw<SqlRow[]>`
      INSERT INTO "InboundUpdate" ("platform", "updateKey", "chatKey", "payload", "receivedAt")
      VALUES (${platform}, ${ref.updateKey}, ${ref.chatKey}, ${JSON.stringify(raw)},
              ${receivedAt})
      ON CONFLICT ("platform", "updateKey") DO NOTHING
      RETURNING ${COLUMNS}`;
    return stored ? { ...fromSql(stored, receivedAt), raw } : null;
  }

  /** Updates of these platforms due now (new, handled and not answered, or retry time come), oldest first. */
  async due(platforms: string[], inFlight: ReadonlySet<number>): Promise<StoredUpdate[]> {
    if (platforms.length === 0) return [];
    return this.db.inboundUpdate.findMany({
      where: {
        platform: { in: platforms },
        status: { in: ["PENDING", "HANDLED"] },
        OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: this.clock.now() } }],
        ...(inFlight.size > 0 ? { id: { notIn: [...inFlight] } } : {}),
      },
      orderBy: { id: "asc" },
      take: SCAN_PAGE,
    });
  }

  /**
   * Marks an update handled with its replies, inside the handling's transaction. The
   * mark is conditional: false when another pass (or instance) handled it first.
   */
  async markHandled(id: number, replies: string): Promise<boolean> {
    const marked = await this.db.$executeRaw`
      UPDATE "InboundUpdate"
      SET "status" = 'HANDLED', "replies" = ${replies}, "repliesSent" = 0, "attempts" = 0
      WHERE "id" = ${id} AND "status" = 'PENDING'`;
    return marked === 1;
  }

  async markDone(ids: number[]): Promise<void> {
    await this.db.$executeRaw`
      UPDATE "InboundUpdate"
      SET "status" = 'DONE', "processedAt" = ${this.clock.now()}, "replies" = NULL
      WHERE "id" IN (${Prisma.join(ids)})`;
    this.ended(ids);
  }

  /**
   * Marks answered updates done. Under load many rows finish while one mark is being
   * written: they wait and go in the next statement together (one per batch, not per
   * update). Resolves once the rows' mark is written, so their chat is given back after.
   */
  finish(ids: number[]): Promise<void> {
    if (!this.#nextDone) {
      let settle: { resolve(): void; reject(error: unknown): void } = {
        resolve: () => {},
        reject: () => {},
      };
      const written = new Promise<void>((resolve, reject) => {
        settle = { resolve, reject };
      });
      this.#nextDone = { ids: [], written, ...settle };
    }
    const batch = this.#nextDone;
    batch.ids.push(...ids);
    this.#writeDone();
    return batch.written;
  }

  #writeDone(): void {
    const batch = this.#nextDone;
    if (this.#writingDone || !batch) return;
    this.#nextDone = null;
    this.#writingDone = true;
    this.markDone(batch.ids)
      .then(batch.resolve, batch.reject)
      .finally(() => {
        this.#writingDone = false;
        this.#writeDone();
      });
  }

  /** A try failed: tried again at `at`. */
  async retryAt(ids: number[], attempts: number, reason: string, at: Date): Promise<void> {
    await this.db.inboundUpdate.updateMany({
      where: { id: { in: ids } },
      data: { status: "PENDING", attempts, lastError: reason, nextAttemptAt: at },
    });
  }

  /** Given up: kept for the operator (admin inbox list, /healthz, /metrics). */
  async giveUp(ids: number[], attempts: number, reason: string): Promise<void> {
    await this.db.inboundUpdate.updateMany({
      where: { id: { in: ids } },
      data: { status: "FAILED", attempts, lastError: reason },
    });
    this.ended(ids);
  }

  /**
   * The updates keep no trace of what was said (a secret vote): inside the handling's
   * transaction when it commits, or when one is given up.
   */
  async forgetWhatWasSaid(rows: StoredUpdate[]): Promise<void> {
    for (const row of rows) {
      await this.db.$executeRaw`
        UPDATE "InboundUpdate" SET "payload" = ${secretPayload(row.payload)}
        WHERE "id" = ${row.id}`;
    }
  }

  /** Updates waiting or given up, per platform, for /healthz and the operator. */
  async backlog(): Promise<Record<string, { waiting: number; failed: number }>> {
    const groups = await this.db.inboundUpdate.groupBy({
      by: ["platform", "status"],
      where: { status: { in: ["PENDING", "HANDLED", "FAILED"] } },
      _count: { _all: true },
    });
    const out: Record<string, { waiting: number; failed: number }> = {};
    for (const g of groups) {
      const entry = out[g.platform] ?? { waiting: 0, failed: 0 };
      out[g.platform] = entry;
      if (g.status === "FAILED") entry.failed += g._count._all;
      else entry.waiting += g._count._all;
    }
    return out;
  }
}
