import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../src/admin/adminCommands.ts";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD, type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { png } from "../helpers/images.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";
import { readXlsx } from "../helpers/xlsxReader.ts";

/*
 * The competition half: a scored campaign, units scoring themselves, the bloc
 * approving, returning and scoring, and the ranking with its classes.
 */

let t: TestApp;
let invites: DemoInvite[];
let campaignId: number;

beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  // The demo campaign is closed; a scored one with one deadline runs instead.
  campaignId = await openScoredCampaign(t.app, t.clock.now(), {
    criteria: ["Trụ sở sạch đẹp | 10", "Cây xanh (10 điểm)", "An toàn PCCC | 20 | 2"],
    hashtag: "#congso",
    lateRule: "deduct:1",
  });
});
afterEach(() => t.close());

const lead = () => t.chat.as(DEMO_LEAD);

/** A focal point of unit `i` reports DONE with the given self-scores, typed as on a phone. */
async function report(name: string, i: number, scores: string[], note = "-") {
  await t.chat.as(name).send(`/join ${invites[i]?.code}`);
  await t.chat.as(name).send("/baocao");
  await t.chat.as(name).send("1");
  await t.chat.as(name).send(note);
  const asked: string[] = [];
  for (const score of scores) asked.push(texts(await t.chat.as(name).send(score)));
  await t.chat.as(name).send("xong");
  const saved = texts(await t.chat.as(name).send("1"));
  return { asked, saved };
}

describe("self-scoring in /report", () => {
  it("asks each scored criterion with its scale, refuses what is off the scale, and saves the scores", async () => {
    await t.chat.as("lan").send(`/join ${invites[3]?.code}`);
    await t.chat.as("lan").send("/baocao");
    await t.chat.as("lan").send("1");
    expect(texts(await t.chat.as("lan").send("Đã tổng vệ sinh"))).toContain(
      "Tự chấm tiêu chí 1/3: Trụ sở sạch đẹp (tối đa 10 điểm). Nhập số điểm:",
    );
    expect(texts(await t.chat.as("lan").send("12"))).toContain("Điểm phải là một số từ 0 đến 10");
    expect(texts(await t.chat.as("lan").send("mười"))).toContain("Điểm phải là một số");
    expect(texts(await t.chat.as("lan").send("8,5"))).toContain("tiêu chí 2/3: Cây xanh");
    expect(texts(await t.chat.as("lan").send("9 điểm"))).toContain("tiêu chí 3/3: An toàn PCCC");
    expect(texts(await t.chat.as("lan").send("18"))).toContain("Gửi ảnh minh chứng");
    expect(texts(await t.chat.as("lan").send("xong"))).toContain(
      "Tự chấm: 8,5 · 9 · 18\nTổng tự chấm: 89,2 % (53,5/60 điểm, đã tính hệ số)",
    );
    await t.chat.as("lan").send("Gửi báo cáo");
    const scores = await t.app.deps.db.reportScore.findMany({ orderBy: { criterionId: "asc" } });
    expect(scores.map((s) => [s.self, s.reviewed])).toEqual([
      [8.5, null],
      [9, null],
      [18, null],
    ]);
  });

  it("does not ask for scores in a campaign without a scale", async () => {
    await t.app.services.campaigns.close(1, campaignId, "operator");
    await t.app.services.campaigns.reopen(1, 1, "operator");
    await t.chat.as("lan").send(`/join ${invites[3]?.code}`);
    await t.chat.as("lan").send("/baocao");
    await t.chat.as("lan").send("1");
    await t.chat.as("lan").send("1");
    expect(texts(await t.chat.as("lan").send("ghi chú"))).toContain("Gửi ảnh minh chứng");
  });
});

describe("/review", () => {
  it("approves: the self-scores become the reviewed ones, with history and audit", async () => {
    await report("lan", 3, ["8", "9", "18"]);
    const card = texts(await lead().send("/xet"));
    expect(card).toContain("Ban Tuyên giáo Tỉnh ủy");
    expect(card).toContain("1. Trụ sở sạch đẹp: 8/10 điểm");
    expect(card).toContain("3. An toàn PCCC: 18/20 điểm (hệ số 2)");
    expect(texts(await lead().send("duyet"))).toContain("✅ Đã duyệt báo cáo của Ban Tuyên giáo");
    const report1 = await t.app.deps.db.report.findFirstOrThrow();
    expect(report1.reviewState).toBe("APPROVED");
    const scores = await t.app.deps.db.reportScore.findMany();
    expect(scores.every((s) => s.reviewed === s.self)).toBe(true);
    expect(await t.app.deps.db.auditEvent.count({ where: { action: "review.approve" } })).toBe(1);
  });

  it("returns with a reason told to the focal point in their language; the resubmission starts from it and is approved", async () => {
    await report("lan", 3, ["8", "9", "18"], "Đã dọn kho");
    await t.chat.as("lan").send("/lang en");
    await lead().send("/xet");
    await lead().send("Trả lại");
    expect(texts(await lead().send("   "))).toContain("Hãy ghi lý do trả lại");
    expect(texts(await lead().send("Thiếu ảnh phòng cháy chữa cháy"))).toContain(
      "Đã trả lại báo cáo của Ban Tuyên giáo Tỉnh ủy; đã báo cho 1 cuộc trò chuyện",
    );
    await t.deliver();
    const notice = t.transport.receivedBy("lan").at(-1) ?? "";
    expect(notice).toContain("was returned");
    expect(notice).toContain("Reason: Thiếu ảnh phòng cháy chữa cháy");

    await t.chat.as("lan").send("/lang vi");
    // One deadline: /baocao goes straight to the status, with the reason first.
    const status = texts(await t.chat.as("lan").send("/baocao"));
    expect(status).toContain("bị trả lại: Thiếu ảnh phòng cháy chữa cháy");
    expect(status).toContain("ghi chú: Đã dọn kho");
    expect(texts(await t.chat.as("lan").send("1"))).toContain("1. Giữ ghi chú trước");
    expect(texts(await t.chat.as("lan").send("Giữ ghi chú trước"))).toContain("tiêu chí 1/3");
    for (const score of ["8", "9", "19"]) await t.chat.as("lan").send(score);
    await t.chat.as("lan").send("xong");
    await t.chat.as("lan").send("1");
    const resubmitted = await t.app.deps.db.report.findFirstOrThrow();
    expect(resubmitted).toMatchObject({ reviewState: "AWAITING", note: "Đã dọn kho" });

    await lead().send("/xet");
    expect(texts(await lead().send("1"))).toContain("Đã duyệt");
    const decisions = await t.app.deps.db.reviewDecision.findMany({ orderBy: { id: "asc" } });
    expect(decisions.map((d) => d.action)).toEqual(["RETURN", "APPROVE"]);
  });

  it("scores each criterion within its scale, and says when nothing waits", async () => {
    await report("lan", 3, ["8", "9", "18"]);
    await lead().send("/xet");
    expect(texts(await lead().send("Chấm điểm"))).toContain(
      "Chấm tiêu chí 1/3: Trụ sở sạch đẹp (tối đa 10; đơn vị tự chấm 8)",
    );
    // The weighted criterion says its weight when asked.
    expect(texts(await lead().send("11"))).toContain("từ 0 đến 10");
    await lead().send("7");
    expect(texts(await lead().send("9"))).toContain(
      "Chấm tiêu chí 3/3: An toàn PCCC (tối đa 20, hệ số 2; đơn vị tự chấm 18)",
    );
    const done = texts(await lead().send("16"));
    // 7 + 9 + 2 × 16 = 48 of 60: the same weighted figure as the ranking's.
    expect(done).toContain(
      "Đã chấm báo cáo của Ban Tuyên giáo Tỉnh ủy: 80 % (48/60 điểm, đã tính hệ số)",
    );
    expect(done).toContain("Không còn báo cáo nào chờ xét");
    const scores = await t.app.deps.db.reportScore.findMany({ orderBy: { criterionId: "asc" } });
    expect(scores.map((s) => s.reviewed)).toEqual([7, 9, 16]);
    expect((await t.app.deps.db.report.findFirstOrThrow()).reviewState).toBe("SCORED");
  });

  it("lets only the first of two reviewers decide one version", async () => {
    await report("lan", 3, ["8", "9", "18"]);
    const reviewer = await t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "REVIEWER",
      issuer: "operator",
    });
    await t.chat.as("hoidong").send(`/join ${reviewer.code}`);
    await lead().send("/xet");
    await t.chat.as("hoidong").send("/xet");
    expect(texts(await t.chat.as("hoidong").send("Duyệt"))).toContain("Đã duyệt");
    expect(texts(await lead().send("Duyệt"))).toContain("vừa được người khác xét");
    expect(await t.app.deps.db.reviewDecision.count()).toBe(1);
  });

  it("keeps each role to its part (lead, reviewer, focal point, officer, stranger, other bloc's lead)", async () => {
    await report("lan", 3, ["8", "9", "18"]);
    const reviewerCode = await t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "REVIEWER",
      issuer: "operator",
    });
    await t.chat.as("hoidong").send(`/join ${reviewerCode.code}`);
    const officerCode = await t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: 4,
      role: "OFFICER",
      issuer: "operator",
    });
    await t.chat.as("hoa").send(`/join ${officerCode.code}`);
    const other = await t.app.services.blocs.createBloc(
      "Khối khác",
      "Asia/Ho_Chi_Minh",
      "operator",
    );
    const otherLead = await t.app.services.membership.issueInvite({
      blocId: other.id,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await t.chat.as("khac").send(`/join ${otherLead.code}`);
    const reportId = (await t.app.deps.db.report.findFirstOrThrow()).id;

    expect(texts(await t.chat.as("hoidong").send("/xet"))).toContain("Ban Tuyên giáo");
    await t.chat.as("hoidong").send("/huy");
    expect(texts(await t.chat.as("hoidong").send("/xephang"))).toContain("🏆");
    expect(texts(await t.chat.as("hoidong").send("/announce x"))).toContain("không có quyền");
    for (const who of ["lan", "hoa"]) {
      expect(texts(await t.chat.as(who).send("/xet"))).toContain("không có quyền");
      expect(texts(await t.chat.as(who).send("/xephang"))).toContain("không có quyền");
    }
    expect(texts(await t.chat.as("stranger").send("/xet"))).toContain("chưa được liên kết");
    expect(texts(await t.chat.as("khac").send(`/xet ${reportId}`))).toContain("Không tìm thấy");
    expect(texts(await t.chat.as("khac").send("/xet"))).toContain("Không còn báo cáo nào chờ xét");
    expect(await t.app.deps.db.reviewDecision.count()).toBe(0);
  });
});

describe("/ranking", () => {
  it("ranks reviewed scores only, lists the self-scored apart, deducts for lateness, and classifies", async () => {
    // PCCC weighs 2, so the most is 10 + 10 + 2 × 20 = 60.
    // Unit 4 (lan): 60/60 approved → 100 %. Unit 1 (vp): self 54/60, not reviewed.
    // Unit 3 (kt): 42/60 approved but a day late → −1 point.
    await report("lan", 3, ["10", "10", "20"]);
    await report("vp", 0, ["9", "9", "18"]);
    t.clock.advance(8 * DAY);
    await report("kt", 2, ["7", "7", "14"]);
    await lead().send("/xet");
    await lead().send("Duyệt");
    await lead().send("Để sau");
    await lead().send("Duyệt");
    await lead().send("Thôi");

    const lines = texts(await lead().send("/xephang")).split("\n");
    expect(lines[0]).toBe("🏆 Xếp hạng Công sở văn minh 2026");
    expect(lines).toContain("1. Ban Tuyên giáo Tỉnh ủy — 100 % (60/60 điểm) · Xuất sắc");
    expect(lines).toContain(
      "2. Ủy ban Kiểm tra Tỉnh ủy — 68,3 % (41/60 điểm) · Hoàn thành · trễ 1 · trừ 1 điểm",
    );
    expect(lines).toContain(
      "– Văn phòng Tỉnh ủy — 90 % (54/60 điểm) · điểm tự chấm, chưa thẩm định",
    );
    expect(lines).toContain("Chưa báo cáo (4):");

    const json = await t.app.services.ranking.campaign(1, campaignId);
    expect(json.units[0]?.criteria.map((c) => c.source)).toEqual([
      "reviewed",
      "reviewed",
      "reviewed",
    ]);
    expect(json.units[2]).toMatchObject({ reviewState: "awaiting", provisional: true, rank: null });
  });

  it("puts a late unit out of the ranking when the campaign says so", async () => {
    await t.app.deps.db.campaign.update({
      where: { id: campaignId },
      data: { lateRule: "ineligible" },
    });
    await report("lan", 3, ["5", "5", "10"]);
    t.clock.advance(8 * DAY);
    await report("vp", 0, ["10", "10", "20"]);
    await t.app.services.ranking.setRankSelfScores(1, true, "operator");
    const lines = texts(await lead().send("/xephang")).split("\n");
    expect(lines).toContain(
      "1. Ban Tuyên giáo Tỉnh ủy — 50 % (30/60 điểm) · Hoàn thành · điểm tự chấm, chưa thẩm định",
    );
    expect(lines).toContain(
      "– Văn phòng Tỉnh ủy — 100 % (60/60 điểm) · Không đủ điều kiện (nộp trễ) · điểm tự chấm, chưa thẩm định · trễ 1",
    );
  });

  it("ranks the year over its scored campaigns", async () => {
    await report("lan", 3, ["10", "10", "20"]);
    await lead().send("/xet");
    await lead().send("Duyệt");
    const year = texts(await lead().send("/xephang nam 2026"));
    expect(year).toContain("Xếp hạng năm 2026 (1 đợt thi đua có chấm điểm)");
    expect(year).toContain("1. Ban Tuyên giáo Tỉnh ủy — 100 % · Xuất sắc");
  });
});

describe("the results for the year-end review", () => {
  it("exports the scoring sheet (unit × criterion, self and reviewed, total, rank, class) and read it back", async () => {
    await report("lan", 3, ["10", "10", "20"]);
    await report("vp", 0, ["5", "5", "10"]);
    await lead().send("/xet");
    await lead().send("Chấm điểm");
    for (const points of ["9", "10", "20"]) await lead().send(points);
    const built = await t.app.services.exports.build(
      await t.app.services.campaigns.get(1, campaignId),
      "Asia/Ho_Chi_Minh",
      t.app.translator.for("vi"),
    );
    const results = built.files.find((f) => f.fileName.endsWith("-ket-qua-cham-diem.xlsx"));
    expect(results).toBeDefined();
    const rows = readXlsx(readFileSync(results?.path ?? ""));
    expect(rows[0]).toEqual([
      "Hạng",
      "Đơn vị",
      "Trụ sở sạch đẹp — tự chấm (/10)",
      "Trụ sở sạch đẹp — khối chấm (/10)",
      "Cây xanh — tự chấm (/10)",
      "Cây xanh — khối chấm (/10)",
      "An toàn PCCC — tự chấm (/20, hệ số 2)",
      "An toàn PCCC — khối chấm (/20, hệ số 2)",
      "Trừ điểm (trễ hạn)",
      "Tổng điểm (đã tính hệ số)",
      "Tỷ lệ (%)",
      "Xếp loại",
      "Thẩm định",
      "Số báo cáo trễ",
      "Ảnh trùng: cùng một ảnh",
      "Ảnh trùng: cùng cảnh, cần xem lại",
    ]);
    expect(rows[1]).toEqual([
      "1",
      "Ban Tuyên giáo Tỉnh ủy",
      "10",
      "9",
      "10",
      "10",
      "20",
      "20",
      "0",
      "59",
      "98.33",
      "Xuất sắc",
      "đã thẩm định",
      "0",
      "0",
      "0",
    ]);
    // Not reviewed yet: listed after, without a rank, and said so.
    expect(rows[2]?.slice(0, 3)).toEqual(["", "Văn phòng Tỉnh ủy", "5"]);
    expect(rows[2]?.at(-4)).toBe("chưa thẩm định (điểm tự chấm, chưa thẩm định)");
    // Seven units, a blank row and the line that says the results are not published.
    expect(rows.slice(0, 8)).toHaveLength(1 + 7);
    expect(rows.flat()).toContain("Chưa công bố kết quả.");
  });

  it("gives operators the ranking as JSON, and lets a bloc set its own classes", async () => {
    await report("lan", 3, ["10", "10", "20"]);
    await report("vp", 0, ["8", "8", "16"]);
    await lead().send("/xet");
    await lead().send("Duyệt");
    await lead().send("Duyệt");
    const saved = await runAdminCommand(t.app, [
      "bloc",
      "thresholds",
      "1",
      "Xuất sắc:95,Tốt:75,Hoàn thành:50,Không hoàn thành:0",
    ]);
    expect(saved.text.split("\n")[0]).toBe("Xuất sắc ≥ 95 %");
    await expect(runAdminCommand(t.app, ["bloc", "thresholds", "1", "Giỏi"])).rejects.toThrow(
      'thresholds are "label:min%" pairs',
    );
    const { json } = await runAdminCommand(t.app, ["ranking", String(campaignId), "--json"]);
    const ranking = json as {
      units: { rank: number; unit: string; total: number; class: string; lateReports: number }[];
    };
    expect(ranking.units.slice(0, 2)).toMatchObject([
      { rank: 1, unit: "Ban Tuyên giáo Tỉnh ủy", total: 60, class: "Xuất sắc", lateReports: 0 },
      { rank: 2, unit: "Văn phòng Tỉnh ủy", total: 48, class: "Tốt", lateReports: 0 },
    ]);
    expect(await t.app.deps.db.auditEvent.count({ where: { action: "bloc.thresholds" } })).toBe(1);
  });

  it("imports a scored campaign from a file: criteria with scales, a late rule and thresholds", async () => {
    const file = join(t.dir, "cham-diem.yaml");
    writeFileSync(
      file,
      [
        "title: Thi đua chuyên đề cải cách hành chính",
        "start: 1/3/2026",
        "end: 30/11/2026",
        "criteria:",
        "  - { title: Giải quyết hồ sơ đúng hạn, maxScore: 40 }",
        "  - { title: Ứng dụng công nghệ, maxScore: 30, weight: 2 }",
        "  - Không chấm điểm",
        "lateRule: { deductPerDay: 0.5 }",
        "thresholds: [{ label: Xuất sắc, min: 85 }, { label: Đạt, min: 0 }]",
        "deadlines: [15/11/2026]",
      ].join("\n"),
    );
    const imported = (
      await runAdminCommand(t.app, ["campaign", "import", file, "--bloc", "1", "--json"])
    ).json as { id: number };
    const campaign = await t.app.services.campaigns.get(1, imported.id);
    expect(campaign.criteriaScale.map((c) => [c.title, c.maxScore, c.weight])).toEqual([
      ["Giải quyết hồ sơ đúng hạn", 40, 1],
      ["Ứng dụng công nghệ", 30, 2],
      ["Không chấm điểm", null, 1],
    ]);
    expect(campaign.lateRule).toBe("deduct:0.5");
    expect(campaign.thresholds?.map((x) => x.label)).toEqual(["Xuất sắc", "Đạt"]);
  });
});

describe("evidence for a criterion", () => {
  it("ties a photo sent at a criterion's step to that criterion", async () => {
    await t.chat.as("lan").send(`/join ${invites[3]?.code}`);
    for (const line of ["/baocao", "1", "-"]) await t.chat.as("lan").send(line);
    const kept = texts(
      await t.chat.as("lan").sendFiles([{ bytes: png(20, 20, 4), fileName: "cay.png" }]),
    );
    expect(kept).toContain("Đã nhận 1 ảnh minh chứng cho tiêu chí “Trụ sở sạch đẹp”.");
    expect(kept).toContain("Tự chấm tiêu chí 1/3");
    for (const line of ["8", "9", "18", "xong", "1"]) await t.chat.as("lan").send(line);
    const evidence = await t.app.deps.db.evidence.findFirstOrThrow();
    const criterion = await t.app.deps.db.criterion.findFirstOrThrow({
      where: { campaignId, position: 0 },
    });
    expect(evidence.criterionId).toBe(criterion.id);
  });
});
