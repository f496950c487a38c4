import { PlatformError } from "../core/errors.ts";
import type { RateLimits, SendTarget } from "../core/transport.ts";
import type { ShareUse } from "../instances/shares.ts";
import { type LimiterTime, RateLimiter, realTime } from "./rateLimiter.ts";

/**
 * One rate limiter per platform for everything the bot sends to a chat: the outbox's
 * deliveries, direct replies and the lead's live progress. A platform counts them
 * together, so a reply sent beside the limiter would break the pace of a broadcast
 * (and the chat's own limit) without the limiter knowing.
 */
export class Pacing {
  readonly #limiters = new Map<string, RateLimiter>();

  constructor(
    /**
     * The part of each platform's limits this process may use (several instances
     * divide it by demand; see RateLimiter).
     */
    private readonly share: (use?: ShareUse) => number = () => 1,
    /** Told of every 429 reported here (the sender counts its own). */
    private readonly onRateLimited: (platform: string) => void = () => {},
    /** Monotonic time and sleep; tests pass a manual one. */
    private readonly time: LimiterTime = realTime,
  ) {}

  /** The platform's limiter, made by its first caller (every caller passes the same limits). */
  limiter(platform: string, limits: RateLimits): RateLimiter {
    let limiter = this.#limiters.get(platform);
    if (!limiter) {
      limiter = new RateLimiter(limits, this.time, this.share);
      this.#limiters.set(platform, limiter);
    }
    return limiter;
  }

  /**
   * Waits for the chat's next slot; an aborted `signal` (a stop) ends the wait early
   * and answers false: nothing may be sent then.
   */
  async acquire(
    platform: string,
    limits: RateLimits,
    target: SendTarget,
    signal?: AbortSignal,
  ): Promise<boolean> {
    return this.limiter(platform, limits).acquire(
      target.platformChatId,
      target.kind === "GROUP",
      signal,
    );
  }

  /** A send failed: a 429 slows the chat (or the platform) for as long as it asked. */
  failed(platform: string, limits: RateLimits, target: SendTarget, error: unknown): void {
    if (!(error instanceof PlatformError) || error.kind !== "rate_limited") return;
    this.onRateLimited(platform);
    this.limiter(platform, limits).tooManyRequests(
      target.platformChatId,
      this.time.now() + (error.retryAfterMs ?? 1000),
    );
  }

  /** Sends within the limits: waits for the slot, and reports a 429 before passing it on. */
  async send<T>(
    platform: string,
    limits: RateLimits,
    target: SendTarget,
    send: () => Promise<T>,
  ): Promise<T> {
    await this.acquire(platform, limits, target);
    try {
      return await send();
    } catch (error) {
      this.failed(platform, limits, target, error);
      throw error;
    }
  }
}
