import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/helpers/testApp.ts";
import { Leases } from "./leases.ts";

let t: TestApp;
afterEach(() => t.close());

describe("leases between instances", () => {
  it("one holder at a time; free again when run out or given back", async () => {
    t = await createTestApp();
    const a = new Leases(t.app.deps.db, t.clock, "a");
    const b = new Leases(t.app.deps.db, t.clock, "b");
    expect(await a.tryHold("poll:zalo", 15_000)).toBe(true);
    expect(await b.tryHold("poll:zalo", 15_000)).toBe(false);
    expect(await a.tryHold("poll:zalo", 15_000)).toBe(true);
    expect(await a.renew(["poll:zalo"], 15_000)).toBe(1);
    expect(await b.renew(["poll:zalo"], 15_000)).toBe(0);
    t.clock.advance(16_000);
    expect(await b.tryHold("poll:zalo", 15_000)).toBe(true);
    expect(await a.renew(["poll:zalo"], 15_000)).toBe(0);
    await b.release(["poll:zalo"]);
    expect(await a.tryHold("poll:zalo", 15_000)).toBe(true);
  });

  it("a chat held by an instance seen gone is taken at once; a poller's lease only when it runs out", async () => {
    t = await createTestApp();
    const alive = ["b"];
    const a = new Leases(t.app.deps.db, t.clock, "a");
    const b = new Leases(t.app.deps.db, t.clock, "b", () => alive);
    expect(await a.tryHoldAll(["chat:1", "chat:2"], 30_000)).toEqual(new Set(["chat:1", "chat:2"]));
    expect(await a.tryHold("poll:telegram", 15_000)).toBe(true);
    // "a" stopped beating: its chats are free, its poll lease is not.
    expect(await b.tryHoldAll(["chat:1", "chat:3"], 30_000)).toEqual(new Set(["chat:1", "chat:3"]));
    expect(await b.tryHold("poll:telegram", 15_000)).toBe(false);
    // While "a" is alive, its chats are its own.
    alive.push("a");
    expect(await b.tryHoldAll(["chat:2"], 30_000)).toEqual(new Set());
  });
});
