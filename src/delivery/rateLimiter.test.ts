import { describe, expect, it } from "vitest";
import { type LimiterTime, RateLimiter } from "./rateLimiter.ts";

/**
 * Virtual time for the limiter: sleeps are queued and `run()` wakes them in order,
 * moving the clock, without waiting. `late(ms)` makes the next wakes fire that much
 * after they were due, as a busy event loop does.
 */
class ManualTime implements LimiterTime {
  at = 0;
  #sleeping: { due: number; wake: () => void }[] = [];
  #late: number[] = [];
  now = () => this.at;
  sleep = (ms: number) =>
    new Promise<void>((wake) => {
      this.#sleeping.push({ due: this.at + ms + (this.#late.shift() ?? 0), wake });
    });
  late(...ms: number[]): void {
    this.#late.push(...ms);
  }
  async run(): Promise<void> {
    for (;;) {
      for (let i = 0; i < 20; i++) await Promise.resolve();
      this.#sleeping.sort((a, b) => a.due - b.due);
      const next = this.#sleeping.shift();
      if (!next) return;
      this.at = Math.max(this.at, next.due);
      next.wake();
    }
  }
}

/** The most sends in any window of `windowMs` (arrival times as the platform counts them). */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] ?? 0) <= (sorted[i] ?? 0) - windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe("a broadcast at the platform's exact limit", () => {
  const exact = { perSecond: 30, perChatIntervalMs: 1000, perGroupPerMinute: 20 };

  /** Four workers send to `chats` distinct chats; answers when each send left. */
  async function broadcast(
    time: ManualTime,
    chats: number,
    limiter = new RateLimiter(exact, time),
  ) {
    const left: number[] = [];
    let next = 0;
    const workers = Array.from({ length: 4 }, async () => {
      while (next < chats) {
        const chat = next++;
        await limiter.acquire(String(chat), false);
        left.push(time.now());
      }
    });
    await Promise.all([time.run(), ...workers]);
    return left;
  }

  it("never sends more than the limit in any second, window edges included", async () => {
    const time = new ManualTime();
    const left = await broadcast(time, 300);
    expect(left).toHaveLength(300);
    expect(busiestWindow(left, 1000)).toBeLessThanOrEqual(30);
  });

  it("keeps to the limit when some sends leave late and the next ones on time", async () => {
    const time = new ManualTime();
    // Timers that fire late (a busy event loop): late sends bunch with on-time ones.
    time.late(0, 120, 0, 0, 200, 5, 60, 0, 0, 300, 0, 45);
    const left = await broadcast(time, 300);
    expect(busiestWindow(left, 1000)).toBeLessThanOrEqual(30);
  });

  it("widens its window for a while after its timers fired late (a stalled process)", async () => {
    const time = new ManualTime();
    // Forty sends on time, then one wake 250 ms late: the sends just before it may reach
    // the platform that late, bunched with the next ones.
    time.late(...Array.from({ length: 40 }, () => 0), 250);
    const left = await broadcast(time, 200);
    const stalledAt = (left[40] ?? 0) - 250;
    const after = left.filter((at) => at >= stalledAt - 250 && at < stalledAt + 1500);
    expect(busiestWindow(after, 1000 + 250)).toBeLessThanOrEqual(30);
  });

  it("still uses nearly all of the limit once started", async () => {
    const time = new ManualTime();
    const left = await broadcast(time, 361);
    // Past its first two seconds (a wider margin while the process warms up), 300 intervals
    // take no more than 300 ÷ (95 % of 30) seconds.
    const span = ((left.at(-1) ?? 0) - (left[60] ?? 0)) / 1000;
    expect(300 / span).toBeGreaterThanOrEqual(0.95 * 30);
  });

  it("counts replies and deliveries against one budget", async () => {
    const time = new ManualTime();
    const limiter = new RateLimiter(exact, time);
    const replies: Promise<void>[] = [];
    const left: number[] = [];
    // Officers ask /help twice a second while the broadcast runs.
    for (let i = 0; i < 20; i++) {
      replies.push(
        time.sleep(i * 500).then(async () => {
          await limiter.acquire(`officer-${i}`, false);
          left.push(time.now());
        }),
      );
    }
    const sent = await broadcast(time, 300, limiter);
    await Promise.all(replies);
    expect(busiestWindow([...sent, ...left], 1000)).toBeLessThanOrEqual(30);
  });
});

const limits = { perSecond: 100, perChatIntervalMs: 1000, perGroupPerMinute: 20 };

describe("a 429 from the platform", () => {
  it("for one chat slows that chat only; the others keep their pace", () => {
    let now = 0;
    const limiter = new RateLimiter(limits, () => now);
    limiter.reserve("a", false);
    now = 10;
    limiter.tooManyRequests("a", 5_000);
    expect(limiter.pausedUntil).toBe(0);
    expect(limiter.reserve("b", false)).toBeLessThan(100);
    expect(limiter.reserve("a", false)).toBe(5_000);
  });

  it("for two chats within a second means the overall limit: everything waits", () => {
    let now = 0;
    const limiter = new RateLimiter(limits, () => now);
    limiter.tooManyRequests("a", 3_000);
    now = 400;
    limiter.tooManyRequests("b", 3_000);
    expect(limiter.pausedUntil).toBe(3_000);
    expect(limiter.reserve("c", false)).toBe(3_000);
  });

  it("for two chats seconds apart is two chats' limits, not the platform's", () => {
    let now = 0;
    const limiter = new RateLimiter(limits, () => now);
    limiter.tooManyRequests("a", 2_000);
    now = 1_500;
    limiter.tooManyRequests("b", 4_000);
    expect(limiter.pausedUntil).toBe(0);
    expect(limiter.reserve("c", false)).toBe(1_500);
  });

  it("paces each instance at its share of the limit", () => {
    const now = 0;
    const limiter = new RateLimiter(
      limits,
      () => now,
      () => 1 / 4,
    );
    const first = limiter.reserve("a", false);
    const second = limiter.reserve("b", false);
    // 100/s × 95 % (shared: jitters add up) ÷ 4 instances: one send every ~42 ms.
    expect(second - first).toBeCloseTo(1000 / (100 * 0.95 * 0.25), 5);
  });
});

describe("one chat's pace", () => {
  const bursty = { ...limits, perChatBurst: 3 };

  it("lets a short burst go at once, then one message per interval", () => {
    const now = 0;
    const limiter = new RateLimiter(bursty, () => now);
    const slots = Array.from({ length: 5 }, () => limiter.reserve("a", false));
    expect(slots.slice(0, 3).every((at) => at < 100)).toBe(true);
    expect(slots[3]).toBeGreaterThanOrEqual(1000);
    expect((slots[4] ?? 0) - (slots[3] ?? 0)).toBe(1000);
  });

  it("waits on its own: a chat at its pace never holds back the other chats", () => {
    const now = 0;
    const limiter = new RateLimiter(bursty, () => now);
    for (let i = 0; i < 3; i++) limiter.reserve("lead", false);
    // The lead's fourth message waits a second for its chat; a delivery to another does not.
    expect(limiter.reserve("lead", false)).toBeGreaterThanOrEqual(1000);
    expect(limiter.reserve("officer", false)).toBeLessThan(100);
  });

  it("a group at its minute limit never holds back the other chats", () => {
    const now = 0;
    const limiter = new RateLimiter(limits, () => now);
    const group = Array.from({ length: 21 }, () => limiter.reserve("unit-group", true));
    expect(group[20]).toBeGreaterThanOrEqual(60_000);
    expect(limiter.reserve("officer", false)).toBeLessThan(1000);
  });

  it("fills the burst again as the chat stays quiet", () => {
    let now = 0;
    const limiter = new RateLimiter(bursty, () => now);
    for (let i = 0; i < 3; i++) limiter.reserve("a", false);
    now = 10_000;
    expect(limiter.reserve("a", false)).toBe(10_000);
    expect(limiter.reserve("a", false)).toBeLessThan(10_100);
  });

  it("after a 429 waits as told, then keeps one per interval (no burst)", () => {
    let now = 0;
    const limiter = new RateLimiter(bursty, () => now);
    limiter.reserve("a", false);
    now = 10;
    limiter.tooManyRequests("a", 2_000);
    expect(limiter.reserve("a", false)).toBe(2_000);
    expect(limiter.reserve("a", false)).toBe(3_000);
  });
});
