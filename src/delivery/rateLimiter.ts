import { sleepUnless } from "../core/sleep.ts";
import type { RateLimits } from "../core/transport.ts";
import type { ShareUse } from "../instances/shares.ts";

/**
 * The limiter's time: a monotonic `now()` in ms (a wall clock stepped back an hour
 * must not stall every send for an hour) and a `sleep()` that a stop may cut short.
 * Tests pass a manual one and run the limiter without waiting.
 */
export interface LimiterTime {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realTime: LimiterTime = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    signal ? sleepUnless(ms, signal) : new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Sends are paced a little under the platform's overall rate: requests reach it with
 * jitter (a late one followed by on-time ones), and a platform that counts exactly
 * answers 429 to the bunch. Measured against a fake that enforces the limit exactly:
 * at 100 % pacing 0.52–0.62 of the limit with 4–5 × 429 (each pauses every send);
 * at this pace see CONTRIBUTING.
 */
const PACE = 0.97;
/**
 * Instances sharing a limit pace further under it: their jitters add up. Three
 * instances at 97 % met 1 × 429 in two of four broadcasts of 1,000 chats; at 95 %,
 * none in six (CONTRIBUTING).
 */
const PACE_SHARED = 0.95;
/**
 * The pace alone spaces the slots, but a send that leaves late (its timer fired late,
 * the event loop was busy) bunches with the on-time ones after it, and the platform
 * counts arrivals in any second. So every send is also checked when it actually
 * leaves: never more than the limit in any window of a second and this margin (the
 * spread between a send leaving and reaching the platform), counted from the times
 * the sends really left.
 */
const WINDOW_MS = 1000;
const WINDOW_MARGIN_MS = 40;
/**
 * A process whose timers fire late is stalling (its cores are taken, a GC): its sends
 * may then sit that long between leaving the limiter and reaching the platform, so the
 * margin grows to the lateness seen in the last two seconds, up to this much.
 */
const MAX_MARGIN_MS = 400;
const LAG_MEMORY_MS = 2000;

/**
 * Reserves a send slot that respects the overall rate, the per-chat pace (a short
 * burst, then one per interval) and the per-group minute window, then waits for it.
 * Reservations are made before waiting, so concurrent senders in one process never
 * share a slot.
 */
export class RateLimiter {
  /**
   * The overall slots reserved and not yet past (ascending). A send that must wait for
   * its own chat (its pace, its group's minute) takes a slot at that later time and
   * leaves the earlier ones to the other chats: one slow chat never holds back the
   * platform (it did: a lead's progress, or a group at its minute limit, pushed every
   * other send behind it, the more so as instances divide the per-chat pace).
   */
  #slots: number[] = [];
  #pausedUntil = 0;
  /**
   * Per chat, when its next send would be due if every send kept the interval (the
   * "theoretical arrival time" of a token bucket): a send may come up to burst − 1
   * intervals before it, so a reply of three messages goes at once and a fourth waits.
   */
  readonly #nextPerChat = new Map<string, number>();
  readonly #groupSends = new Map<string, number[]>();
  /** When the last sends really left (ascending), for the window check. */
  #left: number[] = [];
  /** How late this process's waits woke lately: { at, lateMs }. */
  #lags: { at: number; lateMs: number }[] = [];
  #recent429: { at: number; chatKey: string }[] = [];
  readonly #time: LimiterTime;

  constructor(
    private readonly limits: RateLimits,
    time: LimiterTime | (() => number) = realTime,
    /**
     * The part of the limits this process may use: instances share one bot's limits
     * (overall by demand; "send" marks a send about to be made, "chat" asks for the
     * part of one chat's limits).
     */
    private readonly share: (use?: ShareUse) => number = () => 1,
  ) {
    this.#time = typeof time === "function" ? { now: time, sleep: realTime.sleep } : time;
    // A process that just started is slow as a stalled one (code not yet compiled, first
    // connections opening): its first sends reached the exact fake bunched (a 429 at the
    // 30th of every broadcast started with the bot).
    this.#lags.push({ at: this.now(), lateMs: MAX_MARGIN_MS / 4 });
  }

  private now(): number {
    return this.#time.now();
  }

  /** Nobody sends until `until`. */
  pause(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
  }

  /**
   * The platform answered 429 to a send to `chatKey`, to wait until `until`. Its
   * answer does not say which limit was hit: one chat's 429 slows that chat only
   * (its per-chat or group limit); 429s for two chats within a second mean the
   * overall limit, and then everything waits.
   */
  tooManyRequests(chatKey: string, until: number): void {
    const now = this.now();
    // No burst right after a 429: the chat's next send is at `until`, then one per interval.
    const due = until + this.#burstAhead();
    this.#nextPerChat.set(chatKey, Math.max(this.#nextPerChat.get(chatKey) ?? 0, due));
    this.#recent429 = this.#recent429.filter((r) => r.at > now - 1000 && r.chatKey !== chatKey);
    this.#recent429.push({ at: now, chatKey });
    if (this.#recent429.length >= 2) this.pause(until);
  }

  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /**
   * Waits for the slot, then until the send may really leave (the window check). A
   * `signal` that aborts (a stop) ends the wait early: answers false then, and the
   * slot must not be used.
   */
  async acquire(chatKey: string, isGroup: boolean, signal?: AbortSignal): Promise<boolean> {
    let wait = this.reserve(chatKey, isGroup) - this.now();
    for (;;) {
      if (wait > 0) {
        const due = this.now() + wait;
        await this.#time.sleep(wait, signal);
        this.#lagged(this.now() - due);
      }
      if (signal?.aborted) return false;
      wait = this.#leave();
      if (wait <= 0) return true;
    }
  }

  #lagged(lateMs: number): void {
    const now = this.now();
    this.#lags = this.#lags.filter((l) => l.at > now - LAG_MEMORY_MS);
    if (lateMs > WINDOW_MARGIN_MS) this.#lags.push({ at: now, lateMs });
  }

  /** The window's margin: the usual spread, or the lateness seen lately when larger. */
  #margin(): number {
    const now = this.now();
    const late = this.#lags.filter((l) => l.at > now - LAG_MEMORY_MS).map((l) => l.lateMs);
    return Math.min(MAX_MARGIN_MS, Math.max(WINDOW_MARGIN_MS, ...late));
  }

  /** The most sends this process may make in any window. */
  #perWindow(): number {
    const share = Math.min(1, Math.max(0.01, this.share()));
    return Math.max(1, Math.floor(this.limits.perSecond * share));
  }

  /**
   * A send leaves now if the window allows it (and is counted); otherwise answers how
   * long until the oldest send in the window falls out of it.
   */
  #leave(): number {
    const now = this.now();
    const span = WINDOW_MS + this.#margin();
    const first = this.#left.findIndex((t) => t > now - span);
    this.#left = first < 0 ? [] : this.#left.slice(first);
    const max = this.#perWindow();
    if (this.#left.length >= max) {
      const oldest = this.#left[this.#left.length - max] ?? now;
      return Math.max(1, oldest + span - now);
    }
    this.#left.push(now);
    return 0;
  }

  #interval(): number {
    return this.limits.perChatIntervalMs / Math.min(1, Math.max(0.01, this.share("chat")));
  }

  /** How far ahead of its pace a chat may send: burst − 1 intervals. */
  #burstAhead(): number {
    return Math.max(0, (this.limits.perChatBurst ?? 1) - 1) * this.#interval();
  }

  reserve(chatKey: string, isGroup: boolean): number {
    const now = this.now();
    const share = Math.min(1, Math.max(0.01, this.share("send")));
    const chatShare = Math.min(1, Math.max(0.01, this.share("chat")));
    const perGroupPerMinute = Math.max(1, Math.floor(this.limits.perGroupPerMinute * chatShare));
    const chatDue = this.#nextPerChat.get(chatKey) ?? 0;
    let at = Math.max(now, this.#pausedUntil, chatDue - this.#burstAhead());
    const recent = isGroup
      ? (this.#groupSends.get(chatKey) ?? []).filter((t) => t > at - 60_000)
      : [];
    if (recent.length >= perGroupPerMinute) {
      at = Math.max(at, (recent[recent.length - perGroupPerMinute] ?? at) + 60_000);
    }
    // Several instances' jitters add up: they pace a little further under.
    const pace = share < 1 ? PACE_SHARED : PACE;
    at = this.#overallSlot(at, now, 1000 / (this.limits.perSecond * pace * share));
    if (isGroup) this.#groupSends.set(chatKey, [...recent, at]);
    this.#nextPerChat.set(chatKey, Math.max(chatDue, at) + this.#interval());
    return at;
  }

  /** The earliest overall slot from `from` at least `spacing` from every other reserved one. */
  #overallSlot(from: number, now: number, spacing: number): number {
    const past = this.#slots.findIndex((t) => t > now - spacing);
    this.#slots = past < 0 ? [] : this.#slots.slice(past);
    let at = from;
    let index = 0;
    for (; index < this.#slots.length; index++) {
      const slot = this.#slots[index] ?? 0;
      if (slot <= at - spacing) continue;
      if (slot >= at + spacing) break;
      at = slot + spacing;
    }
    this.#slots.splice(index, 0, at);
    return at;
  }
}
