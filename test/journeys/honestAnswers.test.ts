import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD, type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { png } from "../helpers/images.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

/* Hashtags as people type them, one per open campaign, and honest answers to /notify and /link. */

let t: TestApp;
let invites: DemoInvite[];
beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

const draft = (hashtag: string) => ({
  title: "Hội thi Văn Thể Mỹ",
  description: "",
  startsAt: t.clock.now(),
  endsAt: new Date(t.clock.now().getTime() + 60 * DAY),
  criteria: [],
  deadlines: [new Date(t.clock.now().getTime() + 30 * DAY)],
  hashtag,
});

describe("hashtags", () => {
  it("match without case or diacritics: #xanhsạchđẹp files a photo for #xanhsachdep", async () => {
    await t.chat.as("lan").send(`/join ${invites[1]?.code}`);
    const replies = await t.chat
      .as("lan")
      .sendFiles([{ bytes: png(20, 20, 3), fileName: "a.png" }], "Sân trước #XanhSạchĐẹp");
    expect(texts(replies)).toContain("✅ Đã lưu 1 ảnh minh chứng");
  });

  it("are one per open campaign: a second one with the same tag is refused, however it is written", async () => {
    await expect(
      t.app.services.campaigns.create(1, draft("#Xanh_Sach_Dep".replace(/_/g, "")), "operator"),
    ).rejects.toThrow("hashtag_taken");
    await expect(
      t.app.services.campaigns.create(1, draft("#xanhsạchđẹp"), "operator"),
    ).rejects.toThrow("hashtag_taken");
    expect(await t.app.deps.db.campaign.count()).toBe(1);
  });
});

describe("/campaigns with only closed ones", () => {
  it("says there are closed ones, and /campaigns all lists them", async () => {
    await t.app.services.campaigns.close(1, 1, "operator");
    expect(texts(await t.chat.as(DEMO_LEAD).send("/campaigns"))).toContain(
      "Không có đợt thi đua nào đang mở; có 1 đợt đã đóng",
    );
    expect(texts(await t.chat.as(DEMO_LEAD).send("/dotthidua tat ca"))).toContain(
      "#1 Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn [đã đóng]",
    );
  });
});

describe("/notify and /link", () => {
  it("refuse an app the member has no account on, and say how to link it", async () => {
    const answer = texts(await t.chat.as(DEMO_LEAD).send("/notify zalo"));
    expect(answer).toContain("Bạn chưa liên kết tài khoản Zalo");
    expect(answer).toContain("/lienket");
    const lead = await t.app.deps.db.member.findFirstOrThrow({ where: { role: "LEAD" } });
    expect(lead.notifyVia).toBe("both");
  });

  it("offer the apps by number, and refuse the one the member has no account on", async () => {
    const offered = texts(await t.chat.as(DEMO_LEAD).send("/notify"));
    expect(offered).toContain("đang gửi qua cả Telegram và Zalo");
    expect(offered).toContain("1. Zalo\n2. Telegram\n3. cả Telegram và Zalo");
    expect(texts(await t.chat.send("Telegram"))).toContain("Bạn chưa liên kết tài khoản Telegram");
    expect(texts(await t.chat.send("/notify 5"))).toContain("/nhantin telegram");
    const lead = await t.app.deps.db.member.findFirstOrThrow({ where: { role: "LEAD" } });
    expect(lead.notifyVia).toBe("both");
  });

  it("answer a wrong link code with link wording, not invite wording", async () => {
    const answer = texts(await t.chat.as("stranger").send("/link ABCD-EFGH"));
    expect(answer).toContain("Mã liên kết không đúng");
    expect(answer).not.toContain("mời");
  });
});
