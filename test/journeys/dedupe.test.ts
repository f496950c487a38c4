import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe("an update delivered twice", () => {
  it("is handled once: the second delivery answers nothing and uses no invite", async () => {
    const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    const lan = t.chat.as("lan");
    expect(texts(await lan.send(`/join ${invites[1]?.code ?? ""}`))).toContain("Chào mừng");
    const sent = lan.lastUpdate;
    if (!sent) throw new Error("no update was sent");
    expect(await lan.resend(sent)).toEqual([]);
    const invite = await t.app.deps.db.inviteCode.findFirst({
      where: { unitId: 2, role: "FOCAL" },
    });
    expect(invite?.uses).toBe(1);
    // One row, in the one table every platform's updates go through, and it is done.
    const rows = await t.app.deps.db.inboundUpdate.findMany({ where: { platform: "console" } });
    expect(rows.map((r) => [r.updateKey, r.status])).toEqual([[sent.updateId, "DONE"]]);
  });

  it("is still recognised as a repeat after a restart", async () => {
    const lan = t.chat.as("lan");
    expect(texts(await lan.send("/help"))).toContain("/start");
    const again = await t.restart();
    t = again;
    const sent = lan.lastUpdate;
    if (!sent) throw new Error("no update was sent");
    // The same update id after a restart is still a repeat: the store remembers it.
    expect(await again.chat.resend(sent)).toEqual([]);
  });
});
