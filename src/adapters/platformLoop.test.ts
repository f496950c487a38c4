import { describe, expect, it } from "vitest";
import type { AdapterStatus } from "../core/port.ts";
import { runPlatformLoop } from "./platformLoop.ts";

/* A platform that takes calls and never answers is reported, not only one that errs. */

describe("the platform loop", () => {
  it("reports a call that hangs past its bound as failing, and clears it when the answer comes", async () => {
    const said: string[] = [];
    const status: AdapterStatus = {
      state: (state) => said.push(`state:${state}`),
      ok: () => said.push("ok"),
      failing: (error) => said.push(`failing:${(error as Error).message}`),
      optional: () => {},
    };
    let answer = () => {};
    const stop = new AbortController();
    const loop = runPlatformLoop(
      { connect: () => new Promise<void>((resolve) => (answer = resolve)) },
      {
        status,
        signal: stop.signal,
        capMs: 1000,
        webhook: true,
        pollTurn: async (signal) => signal,
        hangMs: 50,
      },
    );
    await new Promise((r) => setTimeout(r, 120));
    expect(said).toEqual(["state:starting", "failing:no answer from the platform for 0.05 s"]);
    answer();
    await loop;
    expect(said.slice(2)).toEqual(["ok", "state:webhook"]);
  });
});
