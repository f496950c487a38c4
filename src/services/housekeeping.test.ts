import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/helpers/testApp.ts";
import { DAY } from "../core/clock.ts";
import { pruneExpired } from "./housekeeping.ts";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe("housekeeping", () => {
  it("forgets handled and long-given-up updates, tries and expired forms, and keeps recent ones", async () => {
    const db = t.app.deps.db;
    const now = t.clock.now();
    const old = new Date(now.getTime() - 8 * DAY);
    const monthAgo = new Date(now.getTime() - 31 * DAY);
    await db.inboundUpdate.createMany({
      data: [
        {
          platform: "zalo",
          updateKey: "a",
          payload: "{}",
          receivedAt: old,
          processedAt: old,
          status: "DONE",
        },
        { platform: "zalo", updateKey: "b", payload: "{}", receivedAt: old },
        // Given up: kept a month for the operator, then forgotten.
        { platform: "zalo", updateKey: "c", payload: "{}", receivedAt: old, status: "FAILED" },
        { platform: "zalo", updateKey: "d", payload: "{}", receivedAt: monthAgo, status: "FAILED" },
      ],
    });
    await db.joinAttempt.create({ data: { platform: "console", platformChatId: "x", at: old } });
    await db.conversationState.create({
      data: {
        key: "k",
        flow: "report",
        step: "note",
        data: "{}",
        expiresAt: new Date(now.getTime() - 1),
      },
    });
    expect(await pruneExpired(db, now)).toEqual({
      inboundUpdates: 2,
      joinAttempts: 1,
      conversations: 1,
      linkCodes: 0,
    });
    // An update never handled is kept, so it is handled on the next start.
    expect((await db.inboundUpdate.findMany()).map((u) => u.updateKey)).toEqual(["b", "c"]);
  });
});
