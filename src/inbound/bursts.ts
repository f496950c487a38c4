import type { Clock } from "../core/clock.ts";
import { DAY } from "../core/clock.ts";

/*
 * Photos sent together arrive as separate updates with no count and no end mark (a
 * Telegram album, a Zalo burst). They are held until the sender has been quiet long
 * enough, and the quiet time follows the sender's pace: a phone uploading one photo
 * every 5 s keeps its group open about twice that, a fast one closes it sooner,
 * never beyond a bound. Times are read from the clock, so a test moves them by hand.
 */

/** How long a platform's groups wait; the pace of the sender adjusts it within these bounds. */
export interface BurstTiming {
  /** The wait after the first photo of someone whose pace is not known yet. */
  firstMs: number;
  /** The longest wait, however slow the sender. */
  maxMs: number;
  /** A group known to have at least this many parts (an album has 2) waits up to maxMs for them. */
  minParts: number;
}

export interface Burst<T> {
  key: string;
  chat: string;
  sender: string;
  parts: T[];
  timing: BurstTiming;
  /** When the last part was received (ms on the clock). */
  lastArrival: number;
  /** The longest gap between two parts received one after the other; null with one part. */
  pace: number | null;
  /** The sender's pace known before this group (earlier groups), if any. */
  expected: number | null;
  /** When the group is handled unless another part comes (ms on the clock). */
  dueAt: number;
}

/** The wait is this many times the sender's longest gap: one slower upload does not split it. */
const PACE_FACTOR = 2;
/** The shortest wait for a sender known to be quick (or the first wait, when shorter). */
const QUICK_MS = 1_500;
/** Due groups are looked for at least this often, so that a clock moved by a test is noticed. */
const TICK_MS = 200;
/** Senders whose pace is remembered; the oldest is forgotten first. */
const REMEMBERED = 5_000;

interface Pace {
  /** The longest gap of their last group of several photos; null when none was seen. */
  gap: number | null;
  /** When their last photo arrived, so that a photo just after a closed group teaches the gap. */
  lastArrival: number;
}

export class Bursts<T> {
  readonly #open = new Map<string, Burst<T>>();
  readonly #paces = new Map<string, Pace>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (burst: Burst<T>) => void,
  ) {}

  get size(): number {
    return this.#open.size;
  }

  /** Adds a part received at `receivedAt`; the group is due after the quiet time from now. */
  add(
    key: string,
    where: { chat: string; sender: string },
    part: T,
    receivedAt: Date,
    timing: BurstTiming,
  ): Burst<T> {
    const arrival = receivedAt.getTime();
    let burst = this.#open.get(key);
    if (burst) {
      burst.parts.push(part);
      burst.pace = Math.max(burst.pace ?? 0, arrival - burst.lastArrival);
      burst.lastArrival = Math.max(burst.lastArrival, arrival);
    } else {
      burst = {
        key,
        ...where,
        parts: [part],
        timing,
        lastArrival: arrival,
        pace: null,
        expected: this.#knownGap(where.sender, arrival, timing),
        dueAt: 0,
      };
      this.#open.set(key, burst);
    }
    burst.dueAt = this.clock.now().getTime() + this.quietMs(burst);
    this.#remember(burst.sender, { lastArrival: burst.lastArrival });
    this.#arm();
    return burst;
  }

  /** How long the group waits for its next part. */
  quietMs(burst: Burst<T>): number {
    const { firstMs, maxMs, minParts } = burst.timing;
    if (burst.parts.length < minParts) return maxMs;
    // The pace of this group once it shows one (today's network), else what was learnt.
    const gap = burst.pace ?? burst.expected;
    if (gap === null) return Math.min(firstMs, maxMs);
    return Math.min(maxMs, Math.max(Math.min(firstMs, QUICK_MS), PACE_FACTOR * gap));
  }

  /**
   * What the sender's pace is known to be when a group of theirs opens: the longest
   * gap of their last group of several photos (within a day), and the gap since their
   * previous photo when that one came just before (one slow burst, already split once).
   */
  #knownGap(sender: string, arrival: number, timing: BurstTiming): number | null {
    const known = this.#paces.get(sender);
    if (!known) return null;
    const since = arrival - known.lastArrival;
    if (since > DAY) return null;
    const split = since > 0 && since <= timing.maxMs ? since : null;
    if (split === null) return known.gap;
    return Math.max(known.gap ?? 0, split);
  }

  /** Takes the open groups of a sender (their next message is handled after them). */
  takeSender(sender: string): Burst<T>[] {
    const taken = [...this.#open.values()].filter((b) => b.sender === sender);
    for (const burst of taken) this.#close(burst);
    this.#arm();
    return taken;
  }

  /** A group of this chat still waits here. */
  waitsIn(chat: string): boolean {
    for (const burst of this.#open.values()) if (burst.chat === chat) return true;
    return false;
  }

  /** Forgets the open groups (a stop: their updates are handled again after the next start). */
  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#open.clear();
  }

  #close(burst: Burst<T>): void {
    this.#open.delete(burst.key);
    if (burst.parts.length > 1 && burst.pace !== null) {
      this.#remember(burst.sender, { gap: burst.pace, lastArrival: burst.lastArrival });
    }
  }

  #remember(sender: string, change: Partial<Pace> & { lastArrival: number }): void {
    const known = this.#paces.get(sender);
    this.#paces.delete(sender);
    this.#paces.set(sender, { gap: known?.gap ?? null, ...change });
    if (this.#paces.size > REMEMBERED) {
      const oldest = this.#paces.keys().next().value;
      if (oldest !== undefined) this.#paces.delete(oldest);
    }
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#open.size === 0) return;
    const next = Math.min(...[...this.#open.values()].map((b) => b.dueAt));
    const wait = Math.max(0, Math.min(TICK_MS, next - this.clock.now().getTime()));
    this.#timer = setTimeout(() => this.#tick(), wait);
  }

  #tick(): void {
    this.#timer = null;
    const now = this.clock.now().getTime();
    const due = [...this.#open.values()].filter((b) => b.dueAt <= now);
    for (const burst of due) this.#close(burst);
    this.#arm();
    for (const burst of due) this.onDue(burst);
  }
}
