import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openFreshDatabase } from "../../test/helpers/testDatabase.ts";
import { HOUR, MINUTE } from "../core/clock.ts";
import type { Db } from "../db/client.ts";
import { reanchorStoredTimes } from "./timeAnchors.ts";

/* After the clock is stepped back 2 h, what was planned before the step comes back within its bounds. */

let db: Db;
let close: () => Promise<void>;
beforeEach(async () => {
  ({ db, close } = await openFreshDatabase());
});
afterEach(() => close());

const now = new Date("2026-12-07T08:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);
const BOUNDS = { deliveryMs: 11 * MINUTE, inboundMs: 3 * MINUTE, leaseMs: 5 * MINUTE };

describe("stored times after a backward clock step", () => {
  it("brings retries and leases written 2 h ahead back, and leaves what is planned within bounds", async () => {
    const delivery = (dedupeKey: string, nextAttemptAt: Date) => ({
      kind: "ALERT",
      dedupeKey,
      blocId: 0,
      platform: "telegram",
      platformChatId: "1",
      text: "x",
      nextAttemptAt,
      createdAt: now,
    });
    await db.delivery.createMany({
      data: [delivery("ahead", later(2 * HOUR)), delivery("soon", later(MINUTE))],
    });
    await db.inboundUpdate.createMany({
      data: [
        {
          platform: "telegram",
          updateKey: "1",
          payload: "{}",
          receivedAt: now,
          nextAttemptAt: later(2 * HOUR),
        },
        {
          platform: "telegram",
          updateKey: "2",
          payload: "{}",
          receivedAt: now,
          nextAttemptAt: later(MINUTE),
        },
      ],
    });
    await db.lease.createMany({
      data: [
        { name: "poll:telegram", holder: "gone", until: later(2 * HOUR) },
        { name: "chat:telegram:1", holder: "alive", until: later(20_000) },
      ],
    });

    const moved = await reanchorStoredTimes(db, now, BOUNDS);
    expect(moved).toEqual({ deliveries: 1, deliveryLocks: 0, inbound: 1, leases: 1 });
    const deliveries = await db.delivery.findMany({ orderBy: { id: "asc" } });
    expect(deliveries.map((d) => d.nextAttemptAt.getTime())).toEqual([
      now.getTime(),
      later(MINUTE).getTime(),
    ]);
    const inbound = await db.inboundUpdate.findMany({ orderBy: { id: "asc" } });
    expect(inbound.map((u) => u.nextAttemptAt?.getTime())).toEqual([
      now.getTime(),
      later(MINUTE).getTime(),
    ]);
    const leases = await db.lease.findMany({ orderBy: { name: "asc" } });
    expect(leases.map((l) => [l.name, l.until.getTime()])).toEqual([
      ["chat:telegram:1", later(20_000).getTime()],
      ["poll:telegram", later(5 * MINUTE).getTime()],
    ]);
    // Nothing is that far ahead any more: a second run moves nothing.
    expect(await reanchorStoredTimes(db, now, BOUNDS)).toEqual({
      deliveries: 0,
      deliveryLocks: 0,
      inbound: 0,
      leases: 0,
    });
  });
});
