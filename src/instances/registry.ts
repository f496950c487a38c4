import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Clock } from "../core/clock.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../logger.ts";

/** How often a process says it is alive, and when silence means it is gone. */
export const HEARTBEAT_MS = 1_000;
const GONE_AFTER_MS = 3 * HEARTBEAT_MS;

/**
 * The bot processes sharing one database, each seen by its heartbeat. The
 * platforms' limits are the bot's, not each process's: every instance sends at
 * 1/N of them, N being the instances alive now.
 */
export class InstanceRegistry {
  readonly id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  #alive: string[] | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** When the last heartbeat went through, and when beating resumed after a gap (monotonic). */
  #lastBeat: number | null = null;
  #backAt: number | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Ids of the instances alive at the last heartbeat (this one included); null before it. */
  readonly alive = (): string[] | null => this.#alive;

  /** The part of each platform limit this instance may use. */
  readonly share = (): number => 1 / Math.max(1, this.#alive?.length ?? 1);

  /**
   * Registers this instance and waits until every other has seen it (one heartbeat
   * and a half): only then may it send, so that the others have already slowed
   * down to their new share and the platform never sees more than its limit.
   */
  async start(): Promise<void> {
    await this.beat();
    this.#timer = setInterval(() => {
      this.beat().catch((error: unknown) => this.logger.warn({ err: error }, "heartbeat failed"));
    }, HEARTBEAT_MS);
    this.#timer.unref();
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 1.5));
    await this.beat();
  }

  async beat(): Promise<void> {
    const now = this.clock.now();
    // An upsert: after a long stall another instance may have cleared our row.
    await this.db.instance.upsert({
      where: { id: this.id },
      update: { seenAt: now },
      create: { id: this.id, host: hostname(), pid: process.pid, startedAt: now, seenAt: now },
    });
    const since = new Date(now.getTime() - GONE_AFTER_MS);
    const alive = await this.db.instance.findMany({
      where: { seenAt: { gte: since } },
      select: { id: true },
    });
    const seen = [this.id, ...alive.map((a) => a.id)];
    // After the database was away, the others' heartbeats are as old as the cut: until
    // they have had time to beat again, the ones known before still count, or each
    // instance would take the whole limit at once and the platform answer 429.
    const tick = performance.now();
    if (this.#lastBeat !== null && tick - this.#lastBeat > 2 * HEARTBEAT_MS) this.#backAt = tick;
    this.#lastBeat = tick;
    const settling = this.#backAt !== null && tick - this.#backAt < GONE_AFTER_MS;
    this.#alive = [...new Set(settling ? [...seen, ...(this.#alive ?? [])] : seen)];
    // Rows of instances long gone (killed) are of no use to anyone.
    await this.db.instance.deleteMany({
      where: { seenAt: { lt: new Date(now.getTime() - 100 * GONE_AFTER_MS) } },
    });
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.db.instance.deleteMany({ where: { id: this.id } });
  }
}
