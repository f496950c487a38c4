import { randomUUID } from "node:crypto";
import type { Clock } from "../core/clock.ts";
import { crashPoint } from "../core/crashPoints.ts";
import { PlatformError } from "../core/errors.ts";
import type { OutboundMessage } from "../core/outbound.ts";
import type { Transport } from "../core/transport.ts";
import type { Logger } from "../logger.ts";
import type { BotMetrics } from "../observability/metrics.ts";
import type { DeliveryEvents } from "./deliveryEvents.ts";
import type { Outbox } from "./outbox.ts";
import { Pacing } from "./pacing.ts";
import type { RateLimiter } from "./rateLimiter.ts";

export interface SenderOptions {
  /** Sends in flight at once per platform. */
  concurrency: number;
  /** How long passing failures are retried, from the delivery's creation, before it fails. */
  retryForMs: number;
  /** First retry delay; it doubles with each attempt, up to backoffMaxMs. */
  backoffMs: number;
  backoffMaxMs: number;
  /** How long a claimed delivery stays taken; renewed while the sender lives. */
  leaseMs: number;
  /** How long an idle sender waits before looking again. */
  idleMs: number;
  /**
   * Wakes the sender (`queued`) and hears what it did: a delivery settled, a chat that
   * blocked the bot, its periodic tick. Without it the sender tells no one.
   */
  events?: DeliveryEvents;
  /** The part of each platform limit this process may use (several instances: 1/N). */
  share?: () => number;
  /** The limiters shared with everything else the bot sends (replies, live progress). */
  pacing?: Pacing;
  metrics?: BotMetrics;
}

type Claimed = Awaited<ReturnType<Outbox["claim"]>>[number];

/** Batches one pass may claim on a platform before it ends (and recovery runs). */
const MAX_BATCHES_PER_PASS = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const monotonic = () => performance.now();

/**
 * Drains the outbox through each platform's transport: per-platform limits, a 429
 * slowing the chat it was for (or the whole platform when several chats get one:
 * RateLimiter.tooManyRequests), retries with backoff and a cap, and a final
 * state for every delivery. `stop()` finishes in-flight sends and releases the rest.
 */
export class Sender {
  readonly owner = `sender-${randomUUID().slice(0, 8)}`;
  readonly #limiters = new Map<string, RateLimiter>();
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #renewTimer: NodeJS.Timeout | null = null;
  #lastTick = 0;
  #unsubscribe: (() => void) | null = null;
  /** Platforms whose last send failed for a passing reason (an outage, maybe). */
  readonly #failing = new Set<string>();
  /** Deliveries sent whose mark the database did not take: id → platform message id. */
  readonly #unmarked = new Map<number, string | null>();
  /** No taking back of expired rows before this (monotonic): a pass just failed. */
  #recoverAfter = 0;
  /** The last pass failed: what it had taken must be given back before the next. */
  #heldAfterFailure = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly transports: Transport[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: SenderOptions,
  ) {
    const pacing = options.pacing ?? new Pacing(options.share);
    for (const t of transports)
      this.#limiters.set(t.platform, pacing.limiter(t.platform, t.limits));
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.options.events?.on("queued", () => this.nudge()) ?? null;
    this.#renewTimer = setInterval(() => {
      this.outbox
        .renew(this.owner, this.options.leaseMs)
        .catch((error: unknown) => this.logger.warn({ err: error }, "lease renewal failed"));
    }, this.options.leaseMs / 3);
    this.#loop = (async () => {
      let lastFailure: string | null = null;
      while (this.#running) {
        const sent = await this.#pass().then(
          (n) => {
            lastFailure = null;
            return n;
          },
          (error: unknown) => {
            // A database cut fails every pass until it ends: one line per new reason.
            const reason = error instanceof Error ? error.message : String(error);
            this.logger[reason === lastFailure ? "debug" : "error"](
              { err: error },
              "sender pass failed",
            );
            lastFailure = reason;
            this.#recoverAfter = monotonic() + 1000;
            this.#heldAfterFailure = true;
            return 0;
          },
        );
        // A mark waiting for the database is tried again soon: the sooner it lands,
        // the less likely another instance takes the row back and sends it again.
        if (sent === 0 && this.#running)
          await this.#idle(this.#unmarked.size > 0 ? 200 : undefined);
      }
    })();
  }

  /** Every pass takes back what a dead sender held, so recovery needs no second restart. */
  async #pass(): Promise<number> {
    await this.#flushUnmarked();
    if (this.#heldAfterFailure) {
      // A failed pass (the database cut off mid-batch) left rows taken under this
      // sender's name, and its renewals would keep them taken for ever: given back.
      const released = await this.outbox.release(this.owner);
      this.#heldAfterFailure = false;
      if (released > 0) this.logger.info({ released }, "sender gave back rows of a failed pass");
    }
    // Right after a database cut every lease has run out: wait a second before taking
    // rows back, so that the other instances write their waiting marks first.
    const recovered =
      monotonic() < this.#recoverAfter ? 0 : await this.outbox.recoverExpired(this.options.leaseMs);
    if (recovered > 0) this.logger.info({ recovered }, "took back deliveries of a dead sender");
    if (this.options.events && monotonic() - this.#lastTick > 5000) {
      this.#lastTick = monotonic();
      await this.options.events.emit("tick");
    }
    return this.drainOnce();
  }

  #settled(announcementId: number): void {
    this.options.events
      ?.emit("settled", announcementId)
      .catch((error: unknown) => this.logger.warn({ err: error }, "settled listener failed"));
  }

  /** Wakes an idle sender: something was just enqueued. */
  nudge(): void {
    this.#wake?.();
  }

  /**
   * Stops taking work, lets in-flight sends finish (for at most `graceMs`), and gives
   * back the rest. A send still in flight after that may be sent again by the next
   * sender: the in-flight bound.
   */
  async stop(graceMs = 3000): Promise<void> {
    this.#running = false;
    if (this.#renewTimer) clearInterval(this.#renewTimer);
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.nudge();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#loop,
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    await this.#flushUnmarked().catch((error: unknown) =>
      this.logger.warn({ err: error }, "marks of sent deliveries not written at stop"),
    );
    const released = await this.outbox.release(this.owner);
    if (released > 0) this.logger.info({ released }, "sender released unsent deliveries");
  }

  /** One pass over every platform; answers how many deliveries it settled. */
  async drainOnce(): Promise<number> {
    const unserved = await this.outbox.failUnserved(this.transports.map((t) => t.platform));
    if (unserved > 0)
      this.logger.warn({ unserved }, "deliveries failed: their platform has no adapter");
    const passes = this.transports.map((t) => this.#drainPlatform(t));
    return unserved + (await Promise.all(passes)).reduce((a, b) => a + b, 0);
  }

  async #drainPlatform(transport: Transport): Promise<number> {
    const limiter = this.#limiter(transport);
    if (limiter.pausedUntil > monotonic()) return 0;
    // Claim about what this process may send in half a second, no more, so that
    // other instances find work too (and end a broadcast together rather than one
    // finishing a long batch alone) and a lease never runs out while rows wait.
    const share = this.options.share?.() ?? 1;
    const batch = Math.max(4, Math.ceil(transport.limits.perSecond * share * 0.5));
    const claim = () =>
      this.outbox.claim(
        transport.platform,
        this.owner,
        batch,
        this.options.leaseMs,
        this.options.backoffMaxMs + 60_000,
      );
    const queue = await claim();
    let taken = queue.length;
    let more = queue.length === batch;
    let refill: Promise<void> | null = null;
    // The next batch is claimed while the last rows of this one are sent, so the
    // platform's budget is not left idle at every batch boundary; a pass ends after
    // a few batches so that recovery and housekeeping run between them.
    const topUp = () => {
      if (!more || refill || taken >= batch * MAX_BATCHES_PER_PASS) return;
      refill = claim()
        .then((rows) => {
          queue.push(...rows);
          taken += rows.length;
          more = rows.length === batch;
        })
        .finally(() => {
          refill = null;
        });
      // Awaited only when the queue runs dry: until then a failed claim (the database
      // cut off) must not count as unhandled, which ends the process.
      refill.catch(() => {});
    };
    const worker = async () => {
      for (;;) {
        if (queue.length <= this.options.concurrency * 2) topUp();
        const row = queue.shift();
        if (!row) {
          if (!refill) return;
          await refill;
          continue;
        }
        // A clean stop: what is not started yet is released, not sent.
        if (!this.#running && this.#loop) return;
        await this.#deliver(transport, limiter, row);
        if (limiter.pausedUntil > monotonic() || this.#unmarked.size > 0) return;
      }
    };
    // Every worker ends before the pass does, even when one failed: a failed pass gives
    // its rows back, and none may still be on its way out then.
    const ended = await Promise.allSettled(
      Array.from({ length: this.options.concurrency }, worker),
    );
    const failed = ended.find((e): e is PromiseRejectedResult => e.status === "rejected");
    if (failed) throw failed.reason;
    await refill;
    // Rows claimed but not started (a stop, a pause) go back at once.
    if (queue.length > 0) await this.outbox.releaseRows(queue.map((row) => row.id));
    return taken;
  }

  async #deliver(transport: Transport, limiter: RateLimiter, row: Claimed): Promise<void> {
    const kind = row.chatKind === "GROUP" ? "GROUP" : "PRIVATE";
    let sent: { messageId: string };
    try {
      await limiter.acquire(row.platformChatId, kind === "GROUP");
      const message = this.#message(row);
      const timer = this.options.metrics?.sendSeconds.startTimer({ platform: transport.platform });
      sent = await transport
        .send({ platformChatId: row.platformChatId, kind }, message)
        .finally(() => timer?.());
    } catch (error) {
      await this.#settleFailure(transport, limiter, row, error);
      if (row.announcementId) this.#settled(row.announcementId);
      return;
    }
    crashPoint("delivery:after-send");
    try {
      await this.outbox.markSent(row.id, sent.messageId || null);
    } catch (error) {
      // Sent, but the database did not take the mark (it is cut off): the mark waits
      // here and is written first when the database answers, and nothing more is sent
      // meanwhile. Only another instance taking the row back before that repeats it.
      this.#unmarked.set(row.id, sent.messageId || null);
      this.logger.warn(
        { err: error, deliveryId: row.id },
        "delivery sent but not marked; the mark waits for the database",
      );
      return;
    }
    this.#count(transport, "SENT");
    if (this.#failing.delete(transport.platform)) {
      const due = await this.outbox.retryWaitingNow(transport.platform);
      if (due > 0) this.logger.info({ platform: transport.platform, due }, "platform is back");
    }
    if (row.announcementId) this.#settled(row.announcementId);
  }

  /** Writes the marks the database refused while it was away; throws while it still refuses. */
  async #flushUnmarked(): Promise<void> {
    for (const [id, messageId] of this.#unmarked) {
      await this.outbox.markSent(id, messageId);
      this.#unmarked.delete(id);
    }
  }

  /** A photo goes by its key: the adapter reuses its upload or signs a link, never re-reads it per chat. */
  #message(row: Claimed): OutboundMessage {
    return row.photoKey ? { text: row.text, photoKey: row.photoKey } : { text: row.text };
  }

  async #settleFailure(transport: Transport, limiter: RateLimiter, row: Claimed, error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    const kind = error instanceof PlatformError ? error.kind : "transient";
    const log = { platform: transport.platform, deliveryId: row.id, reason };
    if (kind === "blocked") {
      await this.outbox.markFinal(row.id, "BLOCKED", reason);
      this.#count(transport, "BLOCKED");
      await this.options.events?.emit("blocked", transport.platform, row.platformChatId);
      this.logger.info(log, "chat blocked the bot");
      return;
    }
    if (kind === "rate_limited") {
      const wait = (error as PlatformError).retryAfterMs ?? 1000;
      this.options.metrics?.rateLimited.inc({ platform: transport.platform });
      limiter.tooManyRequests(row.platformChatId, monotonic() + wait);
      // Not the chat's fault: the attempt does not count.
      await this.outbox.retryAt(row.id, new Date(this.clock.now().getTime() + wait), reason, false);
      this.logger.warn({ ...log, waitMs: wait }, "platform asked us to slow down");
      return;
    }
    const age = this.clock.now().getTime() - row.createdAt.getTime();
    if (kind === "transient") this.#failing.add(transport.platform);
    if (kind === "transient" && age < this.options.retryForMs) {
      const delay = Math.min(this.options.backoffMaxMs, this.options.backoffMs * 2 ** row.attempts);
      await this.outbox.retryAt(row.id, new Date(this.clock.now().getTime() + delay), reason, true);
      this.#count(transport, "RETRY");
      this.logger.warn({ ...log, delayMs: delay }, "delivery will be retried");
      return;
    }
    await this.outbox.markFinal(row.id, "FAILED", reason);
    this.#count(transport, "FAILED");
    this.logger.error(log, "delivery failed");
  }

  #count(transport: Transport, state: "SENT" | "FAILED" | "BLOCKED" | "RETRY"): void {
    this.options.metrics?.deliveries.inc({ platform: transport.platform, state });
  }

  #limiter(transport: Transport): RateLimiter {
    const limiter = this.#limiters.get(transport.platform);
    if (!limiter) throw new Error(`no limiter for ${transport.platform}`);
    return limiter;
  }

  async #idle(ms = this.options.idleMs): Promise<void> {
    await Promise.race([
      sleep(ms),
      new Promise<void>((resolve) => {
        this.#wake = resolve;
      }),
    ]);
    this.#wake = null;
  }
}
