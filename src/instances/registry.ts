import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Clock } from "../core/clock.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../logger.ts";
import { divideLimit, type ShareUse } from "./shares.ts";

/** How often a process says it is alive, and when silence means it is gone. */
export const HEARTBEAT_MS = 1_000;
const GONE_AFTER_MS = 3 * HEARTBEAT_MS;
/**
 * Sends asked in one heartbeat above which an instance counts as busy: more than a
 * trickle of replies. It then holds the lease "sending:<id>" for two heartbeats.
 */
const BUSY_SENDS = 3;
/** A larger share is taken only once every other instance has seen why (1.5 heartbeats). */
const RAISE_AFTER_MS = 1.5 * HEARTBEAT_MS;

/**
 * The bot processes sharing one database, each seen by its heartbeat. The
 * platforms' limits are the bot's, not each process's: the instances alive divide
 * them, the busy ones (those sending: a broadcast's deliveries) taking most of it and
 * the idle ones a small part each for their replies (shares.ts), so that an idle
 * instance's part flows to the busy ones instead of going unused.
 */
export class InstanceRegistry {
  readonly id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  #alive: string[] | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** When the last heartbeat went through, and when beating resumed after a gap (monotonic). */
  #lastBeat: number | null = null;
  #backAt: number | null = null;
  /** Sends asked since the last heartbeat. */
  #asked = 0;
  #share = 1;
  /** Since when (monotonic) a larger share than this instance's has been computed. */
  #raiseSince: number | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Monotonic milliseconds; tests move it by hand. */
    private readonly tick: () => number = () => performance.now(),
  ) {}

  /** Ids of the instances alive at the last heartbeat (this one included); null before it. */
  readonly alive = (): string[] | null => this.#alive;

  /**
   * The part of each platform's overall limit this instance may use. "send": a send
   * is about to be made (the limiter's call), which counts towards being busy.
   * "chat": the part of one chat's limits, 1/N of the instances alive — any of them
   * may deliver to a chat, and an idle instance's replies must not wait on its small
   * overall part.
   */
  readonly share = (use?: ShareUse): number => {
    if (use === "chat") return 1 / Math.max(1, this.#alive?.length ?? 1);
    if (use === "send") this.#asked++;
    return this.#share;
  };

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
    const tick = this.tick();
    if (this.#lastBeat !== null && tick - this.#lastBeat > 2 * HEARTBEAT_MS) this.#backAt = tick;
    this.#lastBeat = tick;
    const settling = this.#backAt !== null && tick - this.#backAt < GONE_AFTER_MS;
    this.#alive = [...new Set(settling ? [...seen, ...(this.#alive ?? [])] : seen)];
    await this.#divide(now, tick);
    // Rows of instances long gone (killed) are of no use to anyone.
    const longAgo = new Date(now.getTime() - 100 * GONE_AFTER_MS);
    await this.db.instance.deleteMany({ where: { seenAt: { lt: longAgo } } });
    await this.db.lease.deleteMany({
      where: { name: { startsWith: "sending:" }, until: { lt: longAgo } },
    });
  }

  /**
   * Says whether this instance is busy (the lease "sending:<id>", held two heartbeats),
   * reads which others are, and sets this instance's share: a smaller one at once, a
   * larger one only once it has been computed for 1.5 heartbeats — every other
   * instance has then had a heartbeat to lower its own, so the sum stays within the limit.
   */
  async #divide(now: Date, tick: number): Promise<void> {
    const busy = this.#asked > BUSY_SENDS;
    this.#asked = 0;
    const name = `sending:${this.id}`;
    if (busy) {
      const until = new Date(now.getTime() + 2 * HEARTBEAT_MS);
      await this.db.lease.upsert({
        where: { name },
        update: { holder: this.id, until },
        create: { name, holder: this.id, until },
      });
    }
    const sending = await this.db.lease.findMany({
      where: { name: { startsWith: "sending:" }, until: { gt: now } },
      select: { holder: true },
    });
    const alive = this.#alive ?? [this.id];
    const target = divideLimit(alive, new Set(sending.map((s) => s.holder))).get(this.id) ?? 1;
    if (target <= this.#share) {
      this.#share = target;
      this.#raiseSince = null;
      return;
    }
    this.#raiseSince ??= tick;
    if (tick - this.#raiseSince < RAISE_AFTER_MS) return;
    this.#share = target;
    this.#raiseSince = null;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.db.instance.deleteMany({ where: { id: this.id } });
    await this.db.lease.deleteMany({ where: { name: `sending:${this.id}` } });
  }
}
