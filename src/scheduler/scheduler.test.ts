import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HOUR, MINUTE } from "../core/clock.ts";
import type { Logger } from "../logger.ts";
import { startScheduler } from "./scheduler.ts";

/*
 * The scheduler on a machine whose clock is stepped: Node's timers (monotonic) are
 * faked and advanced, while the wall clock the scheduler reads is set by hand.
 */

let wall: number;
let mono: number;
const warnings: unknown[] = [];
const logger = {
  warn: (details: unknown) => warnings.push(details),
  debug: () => {},
  error: () => {},
} as unknown as Logger;

/** Lets `ms` of real (monotonic) time pass, the wall clock moving with it. */
async function pass(ms: number) {
  for (let step = 0; step < ms; step += 1000) {
    wall += 1000;
    mono += 1000;
    await vi.advanceTimersByTimeAsync(1000);
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  wall = Date.parse("2026-12-07T03:00:30Z");
  mono = 0;
  warnings.length = 0;
  steps.length = 0;
});
afterEach(() => vi.useRealTimers());

const steps: number[] = [];
const start = (tick: () => Promise<unknown>, periodMs = MINUTE, offsetMs = 0) =>
  startScheduler(
    { name: "test", periodMs, offsetMs, onStep: async (ms) => steps.push(ms) },
    tick,
    logger,
    () => wall,
    () => mono,
  );

describe("the scheduler when the system clock is stepped", () => {
  it("runs on the minute, and keeps running every minute after a step back of 2 h, warning once", async () => {
    const runs: number[] = [];
    const job = start(async () => runs.push(wall));
    await pass(30_000);
    expect(runs).toEqual([Date.parse("2026-12-07T03:01:00Z")]);
    wall -= 2 * HOUR;
    await pass(6 * MINUTE);
    expect(runs.length).toBe(7);
    // Each run after the step lands on a minute of the new time.
    expect(runs.slice(1).every((at) => at % MINUTE === 0)).toBe(true);
    expect(warnings).toEqual([expect.objectContaining({ stepSeconds: -7200 })]);
    // The stored times are re-anchored once for the step.
    expect(steps).toEqual([-2 * HOUR]);
    job.stop();
  });

  it("runs at once on the new time after a step forward of 3 h, warning once", async () => {
    const runs: number[] = [];
    const job = start(async () => runs.push(wall));
    await pass(30_000);
    wall += 3 * HOUR;
    await pass(3 * MINUTE);
    expect(runs.length).toBe(4);
    expect(runs[1]).toBeGreaterThan(Date.parse("2026-12-07T06:00:00Z"));
    expect(warnings).toEqual([expect.objectContaining({ stepSeconds: 10_800 })]);
    job.stop();
  });

  it("runs an hourly job at its minute, never waits more than an hour whatever the clock does, and stops", async () => {
    const runs: number[] = [];
    const job = start(async () => runs.push(wall), HOUR, 17 * MINUTE);
    await pass(20 * MINUTE);
    expect(runs.map((at) => new Date(at).toISOString())).toEqual(["2026-12-07T03:17:00.000Z"]);
    wall -= 5 * HOUR;
    await pass(HOUR);
    expect(runs.length).toBe(2);
    job.stop();
    await pass(2 * HOUR);
    expect(runs.length).toBe(2);
  });

  it("skips nothing and overlaps nothing when a run takes longer than its period", async () => {
    let active = 0;
    let most = 0;
    const job = start(async () => {
      active++;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 90_000));
      active--;
    });
    await pass(5 * MINUTE);
    expect(most).toBe(1);
    job.stop();
  });
});
