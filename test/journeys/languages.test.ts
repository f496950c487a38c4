import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD, type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

/* A campaign's launch reaches each member in their own language, whatever the lead's. */

let t: TestApp;
let invites: DemoInvite[];
beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

describe("a campaign announcement", () => {
  it("is read in Vietnamese by a vi member and in English by an en member", async () => {
    await t.chat.as("lan").send(`/join ${invites[1]?.code}`);
    await t.chat.as("john").send(`/join ${invites[2]?.code}`);
    await t.chat.as("john").send("/lang en");
    await t.app.services.campaigns.create(
      1,
      {
        title: "Hội thi Văn Thể Mỹ",
        description: "",
        startsAt: t.clock.now(),
        endsAt: new Date(t.clock.now().getTime() + 60 * DAY),
        criteria: ["Tham gia đủ các môn"],
        deadlines: [new Date(t.clock.now().getTime() + 30 * DAY)],
        hashtag: "#vanthemy",
      },
      "operator",
    );
    const lead = t.chat.as(DEMO_LEAD);
    expect(texts(await lead.send("/campaign activate 2"))).toContain("Thông báo đợt thi đua này");
    const audience = texts(await lead.send("1"));
    expect(audience).toContain("1.");
    const preview = texts(await lead.send("1"));
    expect(preview).toContain("📣 Phát động đợt thi đua:");
    expect(texts(await lead.send("1"))).toContain("#");
    await t.deliver();
    const vi = t.transport.receivedBy("lan").find((m) => m.includes("Hội thi Văn Thể Mỹ")) ?? "";
    const en = t.transport.receivedBy("john").find((m) => m.includes("Hội thi Văn Thể Mỹ")) ?? "";
    expect(vi).toContain("📣 Phát động đợt thi đua:");
    expect(vi).toContain("Hạn báo cáo:");
    expect(en).toContain("📣 New campaign:");
    expect(en).toContain("Deadlines:");
    expect(en).not.toContain("Hạn báo cáo");
  });
});

describe("what the scheduler sends", () => {
  it("reaches a vi and an en focal point each in their own language, and the lead's summary in theirs", async () => {
    await t.chat.as("lan").send(`/join ${invites[1]?.code}`);
    await t.chat.as("john").send(`/join ${invites[2]?.code}`);
    await t.chat.as("john").send("/lang en");
    await t.chat.as(DEMO_LEAD).send("/lang en");
    // Three days before the first deadline (17:00 on 9 March), then past it.
    t.clock.set(new Date("2026-03-06T10:00:00Z"));
    await t.app.services.reminders.tick();
    t.clock.set(new Date("2026-03-10T03:00:00Z"));
    await t.app.services.reminders.tick();
    await t.deliver();
    const [viBefore, viOverdue] = t.transport.receivedBy("lan");
    const [enBefore, enOverdue] = t.transport.receivedBy("john");
    expect(viBefore).toContain("⏰");
    expect(viBefore).toContain("chưa báo cáo");
    expect(enBefore).toContain("⏰");
    expect(enBefore).toContain("has not reported");
    expect(viOverdue).toContain("Đã quá hạn");
    expect(enOverdue).toContain("has passed");
    const summary = t.transport.receivedBy(DEMO_LEAD).find((m) => m.startsWith("📊")) ?? "";
    expect(summary).toContain("units");
    expect(summary).not.toContain("đơn vị đã báo cáo");
  });
});

describe("counts in English", () => {
  it("say one member, and two members", async () => {
    await t.chat.as(DEMO_LEAD).send("/lang en");
    expect(texts(await t.chat.send("/members"))).toContain(": 1 member\n");
    await t.chat.as("lan").send(`/join ${invites[1]?.code}`);
    expect(texts(await t.chat.as(DEMO_LEAD).send("/members"))).toContain(": 2 members\n");
  });
});
