import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../src/admin/adminCommands.ts";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD, type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { png } from "../helpers/images.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";
import { readXlsx } from "../helpers/xlsxReader.ts";

/*
 * The results a bloc meeting is shown: only reviewed results rank, one weighted
 * figure everywhere, approving needs scores, corrections carry a reason, publishing
 * locks the ranking, and every unit hears where it stands.
 *
 * The scale: 10 + 10 + 2 × 20 = 60 points. Units of the demo bloc:
 *   0 Văn phòng (vp)      scores itself 100 % and is never reviewed
 *   3 Ban Tuyên giáo (lan) approved at 8 + 8 + 2 × 16 = 48 → 80 %
 *   1 Ban Tổ chức (tc)     returned
 *   2 Ủy ban Kiểm tra (kt) a day late, scored 7 + 7 + 2 × 14 = 42, minus the late rule
 */

let t: TestApp;
let invites: DemoInvite[];
let campaignId: number;

const open = async (lateRule: string) => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  campaignId = await openScoredCampaign(t.app, t.clock.now(), {
    criteria: ["Trụ sở sạch đẹp | 10", "Cây xanh (10 điểm)", "An toàn PCCC | 20 | 2"],
    hashtag: "#congso",
    lateRule,
  });
};
afterEach(() => t.close());

const lead = () => t.chat.as(DEMO_LEAD);

async function report(name: string, i: number, scores: string[]) {
  await t.chat.as(name).send(`/join ${invites[i]?.code}`);
  for (const line of ["/baocao", "1", "-", ...scores, "xong"]) await t.chat.as(name).send(line);
  return texts(await t.chat.as(name).send("1"));
}

/** Reviews report `reportId` with the lead: approve, return, or score with points. */
async function review(reportId: number, action: "approve" | "return" | string[]) {
  await lead().send("/huy");
  await lead().send(`/xet ${reportId}`);
  if (action === "approve") return texts(await lead().send("Duyệt"));
  if (action === "return") {
    await lead().send("Trả lại");
    return texts(await lead().send("Thiếu ảnh phòng cháy"));
  }
  await lead().send("Chấm điểm");
  let answer = "";
  for (const points of action) answer = texts(await lead().send(points));
  return answer;
}

const reportOf = async (unitIndex: number) =>
  (await t.app.deps.db.report.findFirstOrThrow({ where: { unitId: unitIndex + 1 } })).id;

async function scenario() {
  await report("vp", 0, ["10", "10", "20"]);
  await report("lan", 3, ["8", "8", "16"]);
  await report("tc", 1, ["9", "9", "18"]);
  t.clock.advance(8 * DAY);
  await report("kt", 2, ["7", "7", "14"]);
  const approved = await review(await reportOf(3), "approve");
  const returned = await review(await reportOf(1), "return");
  const scored = await review(await reportOf(2), ["7", "7", "14"]);
  await lead().send("Thôi");
  return { approved, returned, scored };
}

describe("only reviewed results rank, one weighted figure everywhere", () => {
  beforeEach(() => open("deduct:1"));

  it("ranks the reviewed units, lists the self-scored, returned and silent ones apart, and every view agrees", async () => {
    const { approved, scored } = await scenario();
    expect(approved).toContain(
      "✅ Đã duyệt báo cáo của Ban Tuyên giáo Tỉnh ủy: 80 % (48/60 điểm, đã tính hệ số).",
    );
    expect(scored).toContain(
      "🏅 Đã chấm báo cáo của Ủy ban Kiểm tra Tỉnh ủy: 70 % (42/60 điểm, đã tính hệ số).",
    );

    const lines = texts(await lead().send("/xephang")).split("\n");
    expect(lines.slice(0, 6)).toEqual([
      "🏆 Xếp hạng Công sở văn minh 2026",
      "Chưa công bố kết quả (thường trực khối công bố bằng /congbo).",
      "Chỉ xếp hạng kết quả đã thẩm định.",
      "Điểm đã tính hệ số của từng tiêu chí.",
      "1. Ban Tuyên giáo Tỉnh ủy — 80 % (48/60 điểm) · Tốt",
      "2. Ủy ban Kiểm tra Tỉnh ủy — 68,3 % (41/60 điểm) · Hoàn thành · trễ 1 · trừ 1 điểm",
    ]);
    const rest = lines.slice(6).join("\n");
    expect(rest).toContain(
      "Chưa thẩm định (1), điểm tự chấm, chưa tính vào xếp hạng:\n– Văn phòng Tỉnh ủy — 100 % (60/60 điểm) · điểm tự chấm, chưa thẩm định",
    );
    expect(rest).toContain("Trả lại, chưa gửi lại (1):\n– Ban Tổ chức Tỉnh ủy");
    expect(rest).toContain("Chưa báo cáo (3):");
    expect(rest).not.toContain("Xuất sắc");

    const json = (await runAdminCommand(t.app, ["ranking", String(campaignId), "--json"])).json as {
      units: {
        rank: number | null;
        unit: string;
        total: number;
        percent: number;
        reviewState: string;
        provisional: boolean;
        class: string | null;
      }[];
    };
    expect(
      json.units
        .slice(0, 4)
        .map((u) => [u.rank, u.unit, u.total, u.percent, u.reviewState, u.provisional, u.class]),
    ).toEqual([
      [1, "Ban Tuyên giáo Tỉnh ủy", 48, 80, "reviewed", false, "Tốt"],
      [2, "Ủy ban Kiểm tra Tỉnh ủy", 41, 68.33, "reviewed", false, "Hoàn thành"],
      [null, "Văn phòng Tỉnh ủy", 60, 100, "awaiting", true, null],
      [null, "Ban Tổ chức Tỉnh ủy", 0, 0, "returned", true, null],
    ]);
    expect(json.units.slice(4).every((u) => u.reviewState === "none" && u.rank === null)).toBe(
      true,
    );

    const built = await t.app.services.exports.build(
      await t.app.services.campaigns.get(1, campaignId),
      "Asia/Ho_Chi_Minh",
      t.app.translator.for("vi"),
    );
    const results = readXlsx(
      readFileSync(
        built.files.find((f) => f.fileName.endsWith("-ket-qua-cham-diem.xlsx"))?.path ?? "",
      ),
    );
    const header = results[0] ?? [];
    expect(header).toContain("Tổng điểm (đã tính hệ số)");
    expect(header).toContain("Thẩm định");
    expect(header).toContain("An toàn PCCC — khối chấm (/20, hệ số 2)");
    const column = (name: string) => header.indexOf(name);
    const summary = results
      .slice(1, 5)
      .map((r) => [
        r[0],
        r[1],
        r[column("Tổng điểm (đã tính hệ số)")],
        r[column("Xếp loại")],
        r[column("Thẩm định")],
      ]);
    expect(summary).toEqual([
      ["1", "Ban Tuyên giáo Tỉnh ủy", "48", "Tốt", "đã thẩm định"],
      ["2", "Ủy ban Kiểm tra Tỉnh ủy", "41", "Hoàn thành", "đã thẩm định"],
      [
        "",
        "Văn phòng Tỉnh ủy",
        "60",
        "chưa thẩm định",
        "chưa thẩm định (điểm tự chấm, chưa thẩm định)",
      ],
      ["", "Ban Tổ chức Tỉnh ủy", "0", "trả lại", "trả lại"],
    ]);
    const main = readXlsx(
      readFileSync(built.files.find((f) => f.fileName.endsWith(".xlsx"))?.path ?? ""),
    );
    expect(main[0]?.at(-1)).toBe("Thẩm định");
    expect(main.map((r) => r.at(-1))).toEqual(
      expect.arrayContaining(["Đã duyệt", "Đã trả lại", "Đã chấm", "Chờ xét"]),
    );
    const csv = readFileSync(
      built.files.find((f) => f.fileName.endsWith(".csv"))?.path ?? "",
      "utf8",
    );
    expect(csv.split("\n")[0]).toContain("Thẩm định");
    expect(csv).toContain("Đã trả lại");
  });

  it("ranks self-scores only when the bloc chooses it, and says so in words", async () => {
    await scenario();
    expect(texts(await t.chat.as("vp").send("/xephang tucham bat"))).toContain("không có quyền");
    expect(texts(await lead().send("/xephang tucham bat"))).toContain("Đã bật");
    const lines = texts(await lead().send("/xephang")).split("\n");
    expect(lines).toContain(
      "1. Văn phòng Tỉnh ủy — 100 % (60/60 điểm) · Xuất sắc · điểm tự chấm, chưa thẩm định",
    );
    expect(lines).toContain("2. Ban Tuyên giáo Tỉnh ủy — 80 % (48/60 điểm) · Tốt");
    expect(lines).toContain("Khối cho xếp hạng cả điểm tự chấm chưa thẩm định (có ghi rõ).");
    const json = (await runAdminCommand(t.app, ["ranking", String(campaignId), "--json"])).json as {
      units: { rank: number | null; provisional: boolean }[];
    };
    expect(json.units[0]).toMatchObject({ rank: 1, provisional: true });
    expect(
      await t.app.deps.db.auditEvent.count({ where: { action: "bloc.rank_self_scores" } }),
    ).toBe(1);
    await lead().send("/xephang tucham tat");
    expect(texts(await lead().send("/xephang"))).toContain("1. Ban Tuyên giáo Tỉnh ủy");
  });

  it("tells each unit the outcome in its focal points' language: approved, scored, returned", async () => {
    await t.chat.as("lan").send(`/join ${invites[3]?.code}`);
    await t.chat.as("lan").send("/lang en");
    await scenario();
    await t.deliver();
    const lan = t.transport.receivedBy("lan").join("\n");
    expect(lan).toContain(
      "✅ The report of Ban Tuyên giáo Tỉnh ủy for Công sở văn minh 2026 (due ",
    );
    expect(lan).toContain("was approved: 80 % (48/60 points, weighted).");
    expect(lan).toContain("• An toàn PCCC: 16/20 points (weight 2)");
    const kt = t.transport.receivedBy("kt").join("\n");
    expect(kt).toContain("đã được khối chấm: 70 % (42/60 điểm, đã tính hệ số).");
    expect(kt).toContain("• Trụ sở sạch đẹp: 7/10 điểm");
    expect(kt).toContain("• An toàn PCCC: 14/20 điểm (hệ số 2)");
    const tc = t.transport.receivedBy("tc").join("\n");
    expect(tc).toContain("bị trả lại.\nLý do: Thiếu ảnh phòng cháy");
  });

  it("leaves a retired unit without a report out of the ranking", async () => {
    await scenario();
    await t.app.services.blocs.retireUnit(1, 7, "operator");
    const ranking = texts(await lead().send("/xephang"));
    expect(ranking).toContain("Chưa báo cáo (2):");
    expect(ranking).not.toContain("Đảng ủy Khối các cơ quan tỉnh");
  });

  it("breaks ties by one rule, the same for the campaign and the year", async () => {
    // Equal percentages, both on time: the earlier last submission goes first, in both views.
    await report("kt", 2, ["9", "9", "18"]);
    t.clock.advance(60 * 1000);
    await report("vp", 0, ["9", "9", "18"]);
    await review(await reportOf(0), "approve");
    await review(await reportOf(2), "approve");
    const campaign = texts(await lead().send("/xephang")).split("\n");
    const year = texts(await lead().send("/xephang nam 2026")).split("\n");
    expect(campaign.filter((l) => /^\d\./.test(l)).map((l) => l.split(" — ")[0])).toEqual([
      "1. Ủy ban Kiểm tra Tỉnh ủy",
      "2. Văn phòng Tỉnh ủy",
    ]);
    expect(year.filter((l) => /^\d\./.test(l)).map((l) => l.split(" — ")[0])).toEqual([
      "1. Ủy ban Kiểm tra Tỉnh ủy",
      "2. Văn phòng Tỉnh ủy",
    ]);
  });
});

describe("the late rule, each way", () => {
  it("none: a late report costs nothing", async () => {
    await open("none");
    await scenario();
    const lines = texts(await lead().send("/xephang")).split("\n");
    expect(lines).toContain("2. Ủy ban Kiểm tra Tỉnh ủy — 70 % (42/60 điểm) · Tốt · trễ 1");
  });

  it("ineligible: a late unit is listed apart, never ranked", async () => {
    await open("ineligible");
    await scenario();
    const ranking = texts(await lead().send("/xephang"));
    expect(ranking).toContain("1. Ban Tuyên giáo Tỉnh ủy — 80 % (48/60 điểm) · Tốt");
    expect(ranking).not.toContain("2. ");
    expect(ranking).toContain(
      "Không đủ điều kiện xếp hạng (nộp trễ):\n– Ủy ban Kiểm tra Tỉnh ủy — 70 % (42/60 điểm) · Không đủ điều kiện (nộp trễ) · trễ 1",
    );
  });
});

describe("approving needs scores", () => {
  beforeEach(() => open("none"));

  it("asks to score or return a quick photo report with no self-scores, and records nothing", async () => {
    await t.chat.as("lan").send(`/join ${invites[3]?.code}`);
    await t.chat
      .as("lan")
      .sendFiles([{ bytes: png(30, 20, 9), fileName: "a.png" }], "Sảnh #congso");
    const card = texts(await lead().send("/xet"));
    expect(card).toContain("Ban Tuyên giáo Tỉnh ủy");
    const refused = texts(await lead().send("Duyệt"));
    expect(refused).toContain(
      "Báo cáo này chưa tự chấm tiêu chí: Trụ sở sạch đẹp, Cây xanh, An toàn PCCC. Không thể duyệt khi thiếu điểm",
    );
    expect(refused).toContain("1. Trả lại");
    expect(refused).toContain("2. Chấm điểm");
    expect(await t.app.deps.db.reviewDecision.count()).toBe(0);
    expect((await t.app.deps.db.report.findFirstOrThrow()).reviewState).toBe("AWAITING");
    expect(texts(await lead().send("2"))).toContain("Chấm tiêu chí 1/3");
    for (const p of ["5", "5"]) await lead().send(p);
    expect(texts(await lead().send("10"))).toContain("50 % (30/60 điểm, đã tính hệ số)");
    // The service refuses it too, whatever calls it.
    await expect(
      t.app.services.review.approve(1, (await t.app.deps.db.report.findFirstOrThrow()).id, 99, 1),
    ).rejects.toThrow();
  });

  it("says the weighted total of the self-scores in the unit's summary and on the reviewer's card", async () => {
    await t.chat.as("lan").send(`/join ${invites[3]?.code}`);
    for (const line of ["/baocao", "1", "-", "8,5", "9", "18"]) await t.chat.as("lan").send(line);
    expect(texts(await t.chat.as("lan").send("xong"))).toContain(
      "Tổng tự chấm: 89,2 % (53,5/60 điểm, đã tính hệ số)",
    );
    await t.chat.as("lan").send("1");
    const card = texts(await lead().send("/xet"));
    expect(card).toContain("An toàn PCCC: 18/20 điểm (hệ số 2)");
    expect(card).toContain("Tổng tự chấm: 89,2 % (53,5/60 điểm, đã tính hệ số)");
  });
});

describe("corrections and publishing", () => {
  beforeEach(() => open("deduct:1"));

  it("asks a reason for changing a reviewed score, and shows the correction with the ranking", async () => {
    await scenario();
    await lead().send(`/xet ${await reportOf(3)}`);
    expect(texts(await lead().send("Chấm điểm"))).toContain("hãy ghi lý do điều chỉnh");
    expect(texts(await lead().send("  "))).toContain("hãy ghi lý do điều chỉnh");
    expect(texts(await lead().send("Phúc tra ảnh PCCC"))).toContain("Chấm tiêu chí 1/3");
    for (const p of ["9", "9"]) await lead().send(p);
    expect(texts(await lead().send("18"))).toContain("90 % (54/60 điểm, đã tính hệ số)");
    const decision = await t.app.deps.db.reviewDecision.findFirstOrThrow({
      orderBy: { id: "desc" },
    });
    expect(decision).toMatchObject({
      action: "SCORE",
      correction: true,
      reason: "Phúc tra ảnh PCCC",
    });
    const ranking = texts(await lead().send("/xephang"));
    expect(ranking).toContain("1. Ban Tuyên giáo Tỉnh ủy — 90 % (54/60 điểm) · Xuất sắc");
    expect(ranking).toContain(
      "Điều chỉnh sau khi đã xét:\n– Ban Tuyên giáo Tỉnh ủy: Phúc tra ảnh PCCC",
    );
    // Without a reason the service refuses, and nothing changes.
    const report = await t.app.deps.db.report.findUniqueOrThrow({
      where: { id: await reportOf(3) },
    });
    await expect(
      t.app.services.review.approve(1, report.id, report.reviewVersion, 1),
    ).rejects.toThrow("correction_reason_required");
  });

  it("publishes only when nothing awaits review, tells the units, and locks the reports", async () => {
    await scenario();
    expect(texts(await lead().send("/congbo"))).toContain(
      "Còn 1 đơn vị có báo cáo chờ xét. Hãy xét xong (/xet) trước khi công bố kết quả.",
    );
    expect(await t.app.deps.db.campaign.count({ where: { publishedAt: { not: null } } })).toBe(0);
    await review(await reportOf(0), ["9", "9", "18"]);
    expect(texts(await t.chat.as("vp").send("/congbo"))).toContain("không có quyền");
    const published = texts(await lead().send("/congbo"));
    expect(published).toContain("📣 Đã công bố kết quả Công sở văn minh 2026");
    expect(published).toContain("Đã công bố kết quả lúc");
    expect(published).toContain("1. Văn phòng Tỉnh ủy — 90 % (54/60 điểm) · Xuất sắc");
    await t.deliver();
    expect(t.transport.receivedBy("lan").join("\n")).toContain(
      "📣 Kết quả Công sở văn minh 2026 đã được công bố.\nBan Tuyên giáo Tỉnh ủy: xếp hạng 2/3, 80 % (48/60 điểm, đã tính hệ số), xếp loại Tốt.",
    );
    expect(t.transport.receivedBy("tc").join("\n")).toContain(
      "Ban Tổ chức Tỉnh ủy: báo cáo bị trả lại, không được tính.",
    );
    expect(texts(await lead().send("/congbo"))).toContain("đã được công bố lúc");
    // A returned unit can no longer send its report again.
    await t.chat.as("tc").send("/baocao");
    await t.chat.as("tc").send("1");
    await t.chat.as("tc").send("-");
    for (const p of ["9", "9", "18", "xong"]) await t.chat.as("tc").send(p);
    expect(texts(await t.chat.as("tc").send("1"))).toContain(
      "đã được công bố, không thể sửa báo cáo",
    );
    // A score changes only as a correction with a reason.
    await lead().send(`/xet ${await reportOf(3)}`);
    expect(texts(await lead().send("Duyệt"))).toContain("Kết quả đợt này đã công bố");
    expect(texts(await lead().send("Đính chính sau công bố"))).toContain("Đã duyệt");
    expect(await t.app.deps.db.auditEvent.count({ where: { action: "campaign.publish" } })).toBe(1);
  });
});
