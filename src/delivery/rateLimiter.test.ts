import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rateLimiter.ts";

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
