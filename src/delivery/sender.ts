import { randomUUID } from "node:crypto";
import type { Clock } from "../core/clock.ts";
import { crashPoint } from "../core/crashPoints.ts";
import { PlatformError } from "../core/errors.ts";
import type { OutboundMessage } from "../core/outbound.ts";
import type { Transport } from "../core/transport.ts";
import type { Logger } from "../logger.ts";
import type { BotMetrics } from "../observability/metrics.ts";
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
  /** Called when a chat blocked the bot, so it stops counting as reachable. */
  onBlocked?: (platform: string, platformChatId: string) => Promise<void>;
  /** Called after each settled delivery of an announcement. */
  onSettled?: (announcementId: number) => void;
  /** Called every few seconds while running (announcements finished by a dead process). */
  onTick?: () => Promise<void>;
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
  /** Platforms whose last send failed for a passing reason (an outage, maybe). */
  readonly #failing = new Set<string>();

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
    this.#renewTimer = setInterval(() => {
      this.outbox
        .renew(this.owner, this.options.leaseMs)
        .catch((error: unknown) => this.logger.warn({ err: error }, "lease renewal failed"));
    }, this.options.leaseMs / 3);
    this.#loop = (async () => {
      while (this.#running) {
        const sent = await this.#pass().catch((error: unknown) => {
          this.logger.error({ err: error }, "sender pass failed");
          return 0;
        });
        if (sent === 0 && this.#running) await this.#idle();
      }
    })();
  }

  /** Every pass takes back what a dead sender held, so recovery needs no second restart. */
  async #pass(): Promise<number> {
    const recovered = await this.outbox.recoverExpired(this.options.leaseMs);
    if (recovered > 0) this.logger.info({ recovered }, "took back deliveries of a dead sender");
    if (this.options.onTick && monotonic() - this.#lastTick > 5000) {
      this.#lastTick = monotonic();
      await this.options.onTick();
    }
    return this.drainOnce();
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
    this.nudge();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#loop,
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
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
        if (limiter.pausedUntil > monotonic()) return;
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, worker));
    await refill;
    // Rows claimed but not started (a stop, a pause) go back at once.
    if (queue.length > 0) await this.outbox.releaseRows(queue.map((row) => row.id));
    return taken;
  }

  async #deliver(transport: Transport, limiter: RateLimiter, row: Claimed): Promise<void> {
    const kind = row.chatKind === "GROUP" ? "GROUP" : "PRIVATE";
    try {
      await limiter.acquire(row.platformChatId, kind === "GROUP");
      const message = this.#message(row);
      const timer = this.options.metrics?.sendSeconds.startTimer({ platform: transport.platform });
      const sent = await transport
        .send({ platformChatId: row.platformChatId, kind }, message)
        .finally(() => timer?.());
      crashPoint("delivery:after-send");
      await this.outbox.markSent(row.id, sent.messageId || null);
      this.#count(transport, "SENT");
      if (this.#failing.delete(transport.platform)) {
        const due = await this.outbox.retryWaitingNow(transport.platform);
        if (due > 0) this.logger.info({ platform: transport.platform, due }, "platform is back");
      }
    } catch (error) {
      await this.#settleFailure(transport, limiter, row, error);
    }
    if (row.announcementId) this.options.onSettled?.(row.announcementId);
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
      await this.options.onBlocked?.(transport.platform, row.platformChatId);
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

  async #idle(): Promise<void> {
    await Promise.race([
      sleep(this.options.idleMs),
      new Promise<void>((resolve) => {
        this.#wake = resolve;
      }),
    ]);
    this.#wake = null;
  }
}
