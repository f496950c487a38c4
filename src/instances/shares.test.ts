import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/helpers/testApp.ts";
import { createLogger } from "../logger.ts";
import { HEARTBEAT_MS, InstanceRegistry } from "./registry.ts";
import { divideLimit } from "./shares.ts";

const sum = (shares: Map<string, number>) => [...shares.values()].reduce((a, b) => a + b, 0);

describe("instances dividing one bot's limit", () => {
  it("in equal parts while all are busy, or none is", () => {
    const all = divideLimit(["a", "b", "c"], new Set(["a", "b", "c"]));
    const none = divideLimit(["a", "b", "c"], new Set());
    for (const shares of [all, none]) {
      expect(sum(shares)).toBeCloseTo(1, 10);
      expect(shares.get("a")).toBeCloseTo(1 / 3, 10);
    }
  });

  it("gives an idle instance's part to the busy ones, keeping a little for its replies", () => {
    const shares = divideLimit(["a", "b", "c"], new Set(["a"]));
    expect(sum(shares)).toBeCloseTo(1, 10);
    expect(shares.get("a")).toBeGreaterThan(0.75);
    expect(shares.get("b")).toBeGreaterThan(0);
    expect(shares.get("b")).toEqual(shares.get("c"));
  });
});

let t: TestApp | undefined;
afterEach(() => t?.close());

describe("instances by their heartbeats", () => {
  it("an instance that broadcasts takes the idle ones' part; the parts never sum above the limit", async () => {
    const app = await createTestApp();
    t = app;
    let tick = 0;
    const logger = createLogger("silent");
    const [a, b, c] = [0, 1, 2].map(
      () => new InstanceRegistry(app.app.deps.db, app.clock, logger, () => tick),
    ) as [InstanceRegistry, InstanceRegistry, InstanceRegistry];
    const all = [a, b, c];
    const shares = () => all.map((r) => r.share());
    // The sum is looked at after every single heartbeat: instances beat one after another.
    const sums: number[] = [];
    const beatAll = async () => {
      for (const r of all) {
        await r.beat();
        sums.push(shares().reduce((x, y) => x + y, 0));
      }
      tick += HEARTBEAT_MS;
      app.clock.advance(HEARTBEAT_MS);
    };
    // Started (registry.start() beats and waits before any send).
    await beatAll();
    await beatAll();
    sums.length = 0;
    expect(shares().map((s) => s.toFixed(3))).toEqual(["0.333", "0.333", "0.333"]);
    // "a" starts a broadcast: many sends asked each second; b and c answer a reply now and then.
    for (let second = 0; second < 6; second++) {
      for (let i = 0; i < 25; i++) a.share("send");
      b.share("send");
      await beatAll();
    }
    expect(a.share()).toBeGreaterThan(0.75);
    expect(b.share()).toBeLessThan(0.15);
    for (const total of sums) expect(total).toBeLessThanOrEqual(1 + 1e-9);
    // "b" broadcasts too: its part grows only after "a" has lowered its own.
    for (let second = 0; second < 6; second++) {
      for (let i = 0; i < 25; i++) {
        a.share("send");
        b.share("send");
      }
      await beatAll();
    }
    expect(a.share()).toBeCloseTo(b.share(), 10);
    expect(a.share()).toBeGreaterThan(0.4);
    for (const total of sums) expect(total).toBeLessThanOrEqual(1 + 1e-9);
  });
});
