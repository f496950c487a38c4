import { describe, expect, it } from "vitest";
import { BotMetrics } from "./metrics.ts";

describe("reminder tick metrics", () => {
  it("count each tick by outcome and time it; a failing tick still throws", async () => {
    const metrics = new BotMetrics({
      inbox: async () => ({ telegram: { waiting: 2, failed: 1 } }),
      outbox: async () => ({ zalo: 7 }),
    });
    expect(await metrics.timeTick(async () => "done")).toBe("done");
    await expect(
      metrics.timeTick(async () => {
        throw new Error("database gone");
      }),
    ).rejects.toThrow("database gone");
    const text = await metrics.render();
    expect(text).toContain('thidua_reminder_ticks_total{outcome="ok"} 1');
    expect(text).toContain('thidua_reminder_ticks_total{outcome="failed"} 1');
    expect(text).toContain("thidua_reminder_tick_duration_seconds_count 2");
    expect(text).toContain('thidua_inbox_depth{platform="telegram",state="waiting"} 2');
    expect(text).toContain('thidua_inbox_depth{platform="telegram",state="failed"} 1');
    expect(text).toContain('thidua_outbox_depth{platform="zalo"} 7');
  });
});
