import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
  await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  t.chat.as("lead");
});
afterEach(() => t.close());

const say = async (...lines: string[]) => {
  let last = "";
  for (const line of lines) last = texts(await t.chat.send(line));
  return last;
};

describe("a lead creating a campaign in chat", () => {
  it("walks through every field, re-asks bad answers, and saves only on confirmation", async () => {
    expect(await say("/campaign new")).toContain("Tên đợt thi đua?");
    expect(await say("Đợt thi đua thứ ba năm 2026")).toContain("Mô tả ngắn");
    expect(await say("Phấn đấu hoàn thành toàn diện nhiệm vụ")).toContain("Ngày bắt đầu?");
    expect(await say("ngày mai")).toContain('Không đọc được ngày "ngày mai". Ví dụ: 31/12/2022');
    expect(await say("1/7/2026")).toContain("Ngày kết thúc?");
    expect(await say("30/6/2026")).toContain("Ngày kết thúc phải sau ngày bắt đầu");
    expect(await say("31-12-2026")).toContain("tiêu chí");
    expect(await say("- Cơ quan xanh, sạch, đẹp\n- Hội thi Văn Thể Mỹ")).toContain(
      "Các hạn báo cáo",
    );
    expect(await say("31/7\n15/1/2027")).toContain(
      'Hạn "15/1/2027" nằm ngoài thời gian đợt thi đua (01/07/2026 – 31/12/2026)',
    );
    expect(await say("31/7 17:00\n30/9/2026 16:30; 31/12")).toContain("Hashtag");
    expect(await say("xanh sach")).toContain("Hashtag gồm dấu #");
    const summary = await say("#VanTheMỹ");
    expect(summary).toContain("📌 Đợt thi đua thứ ba năm 2026");
    expect(summary).toContain("Thời gian: 01/07/2026 – 31/12/2026");
    expect(summary).toContain("  2. Hội thi Văn Thể Mỹ");
    expect(summary).toContain("Hạn báo cáo: 17:00 31/07/2026; 16:30 30/09/2026; 17:00 31/12/2026");
    expect(summary).toContain("#vanthemỹ");
    expect(await t.app.deps.db.campaign.count()).toBe(1);

    expect(await say("Sửa")).toContain("Sửa mục nào?");
    expect(await say("Tên")).toContain("Tên đợt thi đua?");
    expect(await say("Đợt thi đua thứ ba, 1-7 đến 31-12-2026")).toContain(
      "📌 Đợt thi đua thứ ba, 1-7 đến 31-12-2026",
    );
    expect(await say("Lưu nháp")).toContain("Đã lưu nháp đợt thi đua #2");

    const saved = await t.app.services.campaigns.get(1, 2);
    expect(saved).toMatchObject({ status: "DRAFT", hashtag: "#vanthemy" });
    expect(saved.criteria).toEqual(["Cơ quan xanh, sạch, đẹp", "Hội thi Văn Thể Mỹ"]);
    expect(saved.deadlines.map((d) => d.dueAt.toISOString())).toEqual([
      "2026-07-31T10:00:00.000Z",
      "2026-09-30T09:30:00.000Z",
      "2026-12-31T10:00:00.000Z",
    ]);
  });

  it("keeps drafts from officers and makes an activated campaign reportable", async () => {
    await say(
      "/newcampaign",
      "Hội thi Văn Thể Mỹ",
      "Bỏ qua",
      "1/4/2026",
      "30/4/2026",
      "Bỏ qua",
      "20/4",
      "Bỏ qua",
    );
    expect(await say("Lưu nháp")).toContain("#2");
    const focal = await t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: 2,
      role: "FOCAL",
      issuer: "operator",
    });
    await t.chat.as("lan").send(`/join ${focal.code}`);
    expect(texts(await t.chat.send("/campaigns"))).not.toContain("Văn Thể Mỹ");
    expect(texts(await t.chat.as("lead").send("/campaigns"))).toContain(
      "#2 Hội thi Văn Thể Mỹ [nháp]",
    );
    expect(texts(await t.chat.send("/campaign activate 2"))).toContain("Đã mở đợt thi đua #2");
    expect(texts(await t.chat.send("/campaign activate 2"))).toContain("đang ở trạng thái ACTIVE");
    expect(texts(await t.chat.as("lan").send("/report"))).toContain("Báo cáo cho đợt thi đua nào?");
  });

  it("discards the whole form on Hủy bỏ", async () => {
    await say("/newcampaign", "Đợt thử", "-", "1/4/2026", "30/4/2026", "-", "20/4", "-");
    expect(await say("Hủy bỏ")).toContain("không lưu gì");
    expect(await t.app.deps.db.campaign.count()).toBe(1);
  });

  it("closes only after a confirmation, keeps it open on 'giu nguyen', and reopens with audit", async () => {
    expect(texts(await t.chat.send("/thidua dong 1"))).toContain("có thể mở lại sau");
    expect(texts(await t.chat.send("giu nguyen"))).toContain("Đợt #1 vẫn mở");
    expect(await t.app.services.campaigns.get(1, 1)).toMatchObject({ status: "ACTIVE" });
    await t.chat.send("/thidua dong 1");
    expect(texts(await t.chat.send("dong dot"))).toContain("Mở lại được bằng /thidua molai 1");
    expect(texts(await t.chat.send("/thidua molai 1"))).toContain("Đã mở lại đợt thi đua #1");
    expect(await t.app.services.campaigns.get(1, 1)).toMatchObject({ status: "ACTIVE" });
    const actions = (
      await t.app.deps.db.auditEvent.findMany({ where: { action: { startsWith: "campaign." } } })
    ).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["campaign.closed", "campaign.reopen"]));
  });

  it("closes a campaign so that it no longer takes reports", async () => {
    expect(texts(await t.chat.send("/campaign close 1"))).toContain("Đóng đợt thi đua #1");
    expect(await t.app.services.campaigns.get(1, 1)).toMatchObject({ status: "ACTIVE" });
    expect(texts(await t.chat.send("1"))).toContain("Đã đóng đợt thi đua #1");
    const focal = await t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: 2,
      role: "FOCAL",
      issuer: "operator",
    });
    await t.chat.as("lan").send(`/join ${focal.code}`);
    expect(texts(await t.chat.send("/report"))).toContain("không có đợt thi đua nào đang mở");
  });

  it("answers a malformed /campaign with its usage", async () => {
    expect(texts(await t.chat.send("/campaign"))).toContain("/taothidua · /thidua 3");
    expect(texts(await t.chat.send("/campaign activate"))).toContain("/thidua mo 3");
    expect(texts(await t.chat.send("/campaign 99"))).toContain("Không tìm thấy");
  });
});
