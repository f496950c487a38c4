import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD, type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * A scored campaign's late rule and classes, set by the lead in chat: in the guided
 * form (numbered answers, as on Zalo) and with "/campaign rules N" on a campaign whose
 * reports are already scored, where the ranking follows the new rule and the change is
 * audited. Wrong values are refused in the lead's language and change nothing.
 */

let t: TestApp;
let invites: DemoInvite[];
const onTheConsole = () => {
  beforeEach(async () => {
    t = await createTestApp();
    invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  });
  afterEach(() => t.close());
};

const say = async (...lines: string[]) => {
  let last = "";
  for (const line of lines) last = texts(await t.chat.as(DEMO_LEAD).send(line));
  return last;
};

const BLOC_CLASSES = "Xuất sắc ≥ 90 %, Tốt ≥ 70 %, Hoàn thành ≥ 50 %, Không hoàn thành ≥ 0 %";

/** The form up to its criteria, one of them scored: the next question is the late rule. */
async function formToCriteria(): Promise<string> {
  await say("/newcampaign", "Công sở văn minh quý II", "-", "1/4/2026", "30/6/2026");
  return say("Trụ sở sạch đẹp | 10\nCây xanh | 10 | 2\nTham gia phong trào");
}

const saved = () => t.app.services.campaigns.get(1, 2);

describe("the guided campaign form of a scored campaign", () => {
  onTheConsole();

  it("asks how late reports count and offers the bloc's classes; points per day late, with wrong numbers refused", async () => {
    const late = await formToCriteria();
    expect(late).toContain("Báo cáo nộp sau hạn được tính thế nào?");
    expect(late).toContain(
      "1. Không trừ điểm\n2. Trừ điểm mỗi ngày trễ\n3. Không đủ điều kiện xếp loại",
    );
    expect(await say("4")).toContain("Vui lòng chọn một trong các lựa chọn");
    expect(await say("2")).toContain("Trừ bao nhiêu điểm cho mỗi ngày trễ?");
    for (const wrong of ["-1", "mười", "0", "150"]) {
      expect(await say(wrong)).toContain(
        `“${wrong}” không dùng được: số điểm trừ mỗi ngày trễ phải là một số lớn hơn 0`,
      );
    }
    const classes = await say("1,5");
    expect(classes).toContain(`Mức của khối: ${BLOC_CLASSES}.`);
    expect(classes).toContain("1. Dùng mức của khối\n2. Nhập mức riêng");
    expect(await say("1")).toContain("Các hạn báo cáo");
    const summary = await say("30/4\n30/6", "-");
    expect(summary).toContain("Nộp trễ: trừ 1,5 điểm cho mỗi ngày trễ");
    expect(summary).toContain(`Xếp loại (mức của khối): ${BLOC_CLASSES}`);
    expect(await say("Lưu nháp")).toContain("Đã lưu nháp đợt thi đua #2");
    expect(await saved()).toMatchObject({ lateRule: "deduct:1.5", thresholds: null });
  });

  it("saves no points off and the campaign's own classes, refusing classes out of order, above 100 % or unreadable", async () => {
    await formToCriteria();
    expect(await say("1")).toContain("Xếp loại theo tỷ lệ điểm đạt được");
    expect(await say("2")).toContain(
      "Ví dụ:\nXuất sắc:90, Tốt:70, Hoàn thành:50, Không hoàn thành:0",
    );
    expect(await say("Xuất sắc:70, Tốt:90, Không hoàn thành:0")).toContain(
      "Các mức phải xếp từ cao xuống thấp: “Tốt” (90 %) phải thấp hơn “Xuất sắc” (70 %)",
    );
    expect(await say("Xuất sắc:120, Tốt:70, Không hoàn thành:0")).toContain(
      "Mức “Xuất sắc” là 120 %: tỷ lệ phải từ 0 đến 100 %",
    );
    expect(await say("Tốt:70, Kém:-5")).toContain("Mức “Kém” là -5 %");
    expect(await say("Xuất sắc 90, Tốt 70")).toContain("Không đọc được mức xếp loại “Xuất sắc 90”");
    expect(await say("Xuất sắc:90, Tốt:70")).toContain("Mức cuối (“Tốt”) phải là 0 %");
    expect(await say("Tốt:90, tot:50, Kém:0")).toContain("Mức “tot” bị lặp");
    expect(await say("Xuất sắc:95, Tốt:80, Đạt:60,5, Chưa đạt:0")).toContain("Các hạn báo cáo");
    const summary = await say("30/6", "-");
    expect(summary).toContain("Nộp trễ: không trừ điểm");
    expect(summary).toContain(
      "Xếp loại: Xuất sắc ≥ 95 %, Tốt ≥ 80 %, Đạt ≥ 60,5 %, Chưa đạt ≥ 0 %",
    );
    await say("Lưu nháp");
    expect(await saved()).toMatchObject({
      lateRule: "none",
      thresholds: [
        { label: "Xuất sắc", min: 95 },
        { label: "Tốt", min: 80 },
        { label: "Đạt", min: 60.5 },
        { label: "Chưa đạt", min: 0 },
      ],
    });
  });

  it("puts late units out of the classes, takes classes typed at once, and lets the summary change the rule", async () => {
    await formToCriteria();
    expect(await say("3")).toContain("Xếp loại theo tỷ lệ điểm");
    expect(await say("Xuất sắc:85, Khá:60, Chưa đạt:0")).toContain("Các hạn báo cáo");
    const summary = await say("30/6", "-");
    expect(summary).toContain("Nộp trễ: không đủ điều kiện xếp loại");
    const fields = await say("Sửa");
    expect(fields).toContain("6. Nộp trễ\n7. Xếp loại");
    expect(await say("Nộp trễ")).toContain("Hiện tại: không đủ điều kiện xếp loại.");
    expect(await say("2")).toContain("Trừ bao nhiêu điểm");
    expect(await say("2 điểm")).toContain("Nộp trễ: trừ 2 điểm cho mỗi ngày trễ");
    await say("Sửa", "Nộp trễ");
    expect(await say("3")).toContain("Nộp trễ: không đủ điều kiện xếp loại");
    await say("Lưu và mở báo cáo");
    expect(await saved()).toMatchObject({
      status: "ACTIVE",
      lateRule: "ineligible",
      thresholds: [
        { label: "Xuất sắc", min: 85 },
        { label: "Khá", min: 60 },
        { label: "Chưa đạt", min: 0 },
      ],
    });
  });

  it("asks nothing about late reports or classes when no criterion is scored", async () => {
    await say("/newcampaign", "Hội thi Văn Thể Mỹ", "-", "1/4/2026", "30/4/2026");
    expect(await say("Tham gia đủ các môn")).toContain("Các hạn báo cáo");
    const summary = await say("20/4", "-");
    expect(summary).not.toContain("Nộp trễ");
    expect(await say("Sửa")).not.toContain("Xếp loại");
  });

  it("answers a wrong late rule and wrong classes in the lead's own language", async () => {
    await say("/lang en");
    await formToCriteria();
    await say("2");
    expect(await say("-2")).toContain(
      "“-2” cannot be used: the points off per day late must be a number above 0",
    );
    await say("1");
    expect(await say("2")).toContain("Type the classes from the highest down");
    expect(await say("Top:50, Good:80, None:0")).toContain(
      "Classes go from the highest down: “Good” (80 %) must be below “Top” (50 %)",
    );
    expect(await say("Top:101, None:0")).toContain("Class “Top” is at 101 %");
  });
});

/** A focal point of unit `i` reports DONE with self-scores, as in the review journeys. */
async function report(name: string, i: number, scores: string[]) {
  await t.chat.as(name).send(`/join ${invites[i]?.code}`);
  await t.chat.as(name).send("/baocao");
  await t.chat.as(name).send("1");
  await t.chat.as(name).send("-");
  for (const score of scores) await t.chat.as(name).send(score);
  await t.chat.as(name).send("xong");
  await t.chat.as(name).send("1");
}

describe("/campaign rules on a campaign with scored reports", () => {
  onTheConsole();

  it("re-ranks a late unit when the late rule changes, audits it, refuses a wrong value without a change, and holds once published", async () => {
    const campaignId = await openScoredCampaign(t.app, t.clock.now());
    // Ban Tuyên giáo on time at 8 + 8; Văn phòng a day late at 9 + 9; both approved.
    await report("lan", 3, ["8", "8"]);
    t.clock.advance(8 * DAY);
    await report("vp", 0, ["9", "9"]);
    await say("/xet", "Duyệt", "Duyệt", "Thôi");

    const before = await say(`/xephang ${campaignId}`);
    const line = (ranking: string, unit: string) =>
      ranking.split("\n").find((l) => l.includes(unit)) ?? "";
    expect(line(before, "Văn phòng Tỉnh ủy")).toMatch(/^1\. Văn phòng Tỉnh ủy — 90 %/);
    expect(line(before, "Ban Tuyên giáo Tỉnh ủy")).toMatch(/^2\. .* 80 % \(16\/20 điểm\) · Tốt/);
    const version = async () =>
      (await t.app.deps.db.bloc.findUniqueOrThrow({ where: { id: 1 } })).campaignsVersion;
    const versionBefore = await version();

    const intro = await say(`/thidua quydinh ${campaignId}`);
    expect(intro).toContain("Quy định chấm điểm của đợt #2: Công sở văn minh 2026.");
    expect(intro).toContain("Hiện tại: không trừ điểm.");
    await say("2");
    expect(await say("ba")).toContain("“ba” không dùng được");
    expect(await say("-3")).toContain("“-3” không dùng được");
    expect(await say(`/xephang ${campaignId}`)).toContain(before);
    expect(await t.app.deps.db.auditEvent.count({ where: { action: "campaign.rules" } })).toBe(0);

    // Late reports out of the classes: Văn phòng, first on its 90 %, drops below Ban Tuyên giáo.
    await say("/thidua quydinh 2", "3");
    const done = await say("1");
    expect(done).toContain("✅ Đã lưu quy định chấm điểm của đợt #2: Công sở văn minh 2026.");
    expect(done).toContain("Nộp trễ: không đủ điều kiện xếp loại");
    expect(done).toContain(`Xếp loại (mức của khối): ${BLOC_CLASSES}`);
    expect(done).toContain("Đợt này đã có 2 báo cáo có điểm: xếp hạng được tính lại");
    const ineligible = await say(`/xephang ${campaignId}`);
    expect(line(ineligible, "Ban Tuyên giáo Tỉnh ủy")).toMatch(
      /^1\. .* 80 % \(16\/20 điểm\) · Tốt/,
    );
    expect(line(ineligible, "Văn phòng Tỉnh ủy")).toContain("Không đủ điều kiện (nộp trễ)");
    expect(await version()).toBeGreaterThan(versionBefore);

    const audit = await t.app.deps.db.auditEvent.findMany({ where: { action: "campaign.rules" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toMatch(/^member:\d+$/);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({
      campaignId,
      before: { lateRule: "none", thresholds: null },
      after: { lateRule: "ineligible", thresholds: null },
      scoredReports: 2,
    });

    // Points off instead, and the campaign's own classes: 80 % is now "Xuất sắc".
    await say("/thidua quydinh 2", "2", "3");
    expect(await say("Xuất sắc:80, Chưa đạt:0")).toContain("Nộp trễ: trừ 3 điểm cho mỗi ngày trễ");
    const deducted = await say(`/xephang ${campaignId}`);
    expect(line(deducted, "Ban Tuyên giáo Tỉnh ủy")).toMatch(
      /^1\. .* 80 % \(16\/20 điểm\) · Xuất sắc/,
    );
    expect(line(deducted, "Văn phòng Tỉnh ủy")).toMatch(
      /^2\. Văn phòng Tỉnh ủy — 75 % \(15\/20 điểm\)/,
    );
    expect(line(deducted, "Văn phòng Tỉnh ủy")).toContain("trễ 1 · trừ 3 điểm");
    expect(await t.app.deps.db.auditEvent.count({ where: { action: "campaign.rules" } })).toBe(2);

    // The same answers again change nothing and write nothing.
    await say("/thidua quydinh 2", "2", "3");
    expect(await say("Xuất sắc:80, Chưa đạt:0")).toContain("giữ nguyên, không có gì thay đổi");
    expect(await t.app.deps.db.auditEvent.count({ where: { action: "campaign.rules" } })).toBe(2);

    // Published results stand: their rules are no longer open to change.
    await say(`/congbo ${campaignId}`);
    expect(await say(`/thidua quydinh ${campaignId}`)).toContain(
      "Kết quả đợt thi đua này đã được công bố: quy định nộp trễ và xếp loại giữ nguyên",
    );
    await expect(
      t.app.services.campaigns.setRules(
        1,
        campaignId,
        { lateRule: "none", thresholds: null },
        "operator",
      ),
    ).rejects.toMatchObject({ code: "rules_published" });
    expect(await t.app.services.campaigns.get(1, campaignId)).toMatchObject({
      lateRule: "deduct:3",
    });
    expect(await t.app.deps.db.auditEvent.count({ where: { action: "campaign.rules" } })).toBe(2);
  });

  it("says a campaign without scores has no rules to set", async () => {
    expect(await say("/campaign rules 1")).toContain("không chấm điểm theo tiêu chí");
    expect(await say("/campaign rules")).toContain("/thidua quydinh 3");
  });
});

describe("the guided campaign form on Zalo", () => {
  let h: ZaloHarness;
  afterEach(() => h.close());

  it("sets points per day late and the campaign's own classes with numbers typed on a phone", async () => {
    h = await startZaloBot();
    const lead = "lead-zalo";
    const invite = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await h.say(lead, `/join ${invite.code}`, 2);
    const say = async (text: string) => (await h.say(lead, text)).join("\n");
    for (const answer of ["/taothidua", "Xanh sạch đẹp quý II", "1", "1/4/2026", "30/6/2026"]) {
      await say(answer);
    }
    const late = await say("Trụ sở sạch đẹp | 10\nCây xanh | 10");
    expect(late).toContain("3. Không đủ điều kiện xếp loại\nTrả lời 1, 2 hoặc 3.");
    expect(await say("2")).toContain("Trừ bao nhiêu điểm cho mỗi ngày trễ?");
    expect(await say("nửa điểm")).toContain("“nửa điểm” không dùng được");
    expect(await say("0.5")).toContain("Mức của khối: Xuất sắc ≥ 90 %");
    expect(await say("2")).toContain("Nhập các mức xếp loại từ cao xuống thấp");
    expect(await say("Xuất sắc:90, Tốt:170, Không hoàn thành:0")).toContain(
      "Mức “Tốt” là 170 %: tỷ lệ phải từ 0 đến 100 %",
    );
    expect(await say("Xuất sắc:90\nKhá:75\nTrung bình:50\nYếu:0")).toContain("Các hạn báo cáo");
    await say("30/6");
    const summary = await say("1");
    expect(summary).toContain("Nộp trễ: trừ 0,5 điểm cho mỗi ngày trễ");
    expect(summary).toContain(
      "Xếp loại: Xuất sắc ≥ 90 %, Khá ≥ 75 %, Trung bình ≥ 50 %, Yếu ≥ 0 %",
    );
    expect(await say("2")).toContain("Đã lưu nháp đợt thi đua #2");
    expect(await h.t.app.services.campaigns.get(1, 2)).toMatchObject({
      lateRule: "deduct:0.5",
      thresholds: [
        { label: "Xuất sắc", min: 90 },
        { label: "Khá", min: 75 },
        { label: "Trung bình", min: 50 },
        { label: "Yếu", min: 0 },
      ],
    });
  });
});
