import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../src/admin/adminCommands.ts";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD, type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { pdfText } from "../helpers/documentReaders.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

/*
 * The bloc's year in the console chat: the registration (one approved, one returned,
 * one late, one missing), then the secret ballot of the seven demo units — one
 * abstains, one changes its vote, a second focal point of a voted unit is refused, a
 * tie at the threshold goes to a second round — and the result every unit hears.
 */

let t: TestApp;
let invites: DemoInvite[];

beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

const say = async (who: string, text: string) => texts(await t.chat.as(who).send(text));
const focal = (i: number) => `focal${i}`;

async function joinAll() {
  for (let i = 0; i < 7; i++) await say(focal(i), `/join ${invites[i]?.code}`);
}

describe("the year's registration in chat", () => {
  it("opens, registers, approves one, returns one, marks late and names the missing", async () => {
    await joinAll();
    expect(await say(focal(1), "/dangky")).toContain("chưa mở đăng ký thi đua");
    expect(await say(DEMO_LEAD, "/dangky")).toContain("Hạn đăng ký là ngày nào?");
    expect(await say(DEMO_LEAD, "hôm qua")).toContain('Không đọc được ngày "hôm qua"');
    const titles = await say(DEMO_LEAD, "31/3");
    expect(titles).toContain("1. Tập thể Lao động xuất sắc");
    expect(titles).toContain("4. Bằng khen của Chủ tịch UBND tỉnh");
    expect(await say(DEMO_LEAD, "Giữ danh sách này và mở đăng ký")).toContain(
      "Đã mở đăng ký thi đua năm 2026, hạn 17:00 31/03/2026",
    );
    await t.deliver();
    expect(t.transport.receivedBy(focal(4)).join("\n")).toContain(
      "Khối mở đăng ký thi đua năm 2026",
    );

    // Unit 1 registers: two titles typed as numbers, commitments on two lines.
    expect(await say(focal(1), "/dangky")).toContain("Chọn danh hiệu đơn vị đăng ký");
    expect(await say(focal(1), "1, 3")).toContain("Gõ các chỉ tiêu");
    expect(
      await say(focal(1), "100% cán bộ hoàn thành nhiệm vụ\nKhông có vi phạm kỷ luật"),
    ).toContain("Đã ghi 2 chỉ tiêu");
    const preview = await say(focal(1), "xong");
    expect(preview).toContain("Danh hiệu: Tập thể Lao động xuất sắc; Cờ thi đua của UBND tỉnh");
    expect(preview).toContain("• Không có vi phạm kỷ luật");
    expect(await say(focal(1), "1")).toContain("Đã gửi đăng ký của Ban Tổ chức Tỉnh ủy (lần 1)");
    // Changed before approval: the second version replaces the first.
    await say(focal(1), "/dangky");
    await say(focal(1), "1");
    await say(focal(1), "xong");
    await say(focal(1), "Hoàn thành 100% chỉ tiêu được giao");
    await say(focal(1), "xong");
    expect(await say(focal(1), "1")).toContain("(lần 2)");

    // Unit 2 registers too; the lead approves unit 1 and returns unit 2.
    await say(focal(2), "/dangky");
    await say(focal(2), "2, 4");
    await say(focal(2), "Giữ vững đơn vị an toàn");
    await say(focal(2), "xong");
    await say(focal(2), "1");
    const status = await say(DEMO_LEAD, "/dangky");
    expect(status).toContain("Đã duyệt 0 · chờ duyệt 2 · trả lại 0 · chưa đăng ký 5");
    expect(status).toContain(
      "Chưa đăng ký: Văn phòng Tỉnh ủy, Ban Tuyên giáo Tỉnh ủy, Ban Dân vận",
    );
    const card = await say(DEMO_LEAD, "1");
    expect(card).toContain("Ban Tổ chức Tỉnh ủy — chờ duyệt");
    expect(card).toContain("• Hoàn thành 100% chỉ tiêu được giao");
    const next = await say(DEMO_LEAD, "Duyệt");
    expect(next).toContain("Đã duyệt đăng ký của Ban Tổ chức Tỉnh ủy.");
    expect(next).toContain("Ủy ban Kiểm tra Tỉnh ủy — chờ duyệt");
    await say(DEMO_LEAD, "2");
    expect(await say(DEMO_LEAD, "Chỉ tiêu chưa cụ thể")).toContain(
      "Đã trả lại đăng ký của Ủy ban Kiểm tra Tỉnh ủy",
    );
    await t.deliver();
    expect(t.transport.receivedBy(focal(1)).join("\n")).toContain(
      "của Ban Tổ chức Tỉnh ủy đã được thường trực khối duyệt",
    );
    expect(t.transport.receivedBy(focal(2)).join("\n")).toContain("Lý do: Chỉ tiêu chưa cụ thể");

    // Approved: no more changes. Returned: it can be sent again.
    expect(await say(focal(1), "/dangky")).toContain(
      "đã được thường trực khối duyệt nên không sửa được",
    );
    expect(await say(focal(2), "/dangky")).toContain("Lý do trả lại: Chỉ tiêu chưa cụ thể");

    // After the deadline a unit still registers, marked late.
    t.clock.advance(40 * DAY);
    await say(focal(3), "/dangky");
    await say(focal(3), "2");
    await say(focal(3), "xong");
    await say(focal(3), "Tham gia đầy đủ phong trào");
    await say(focal(3), "xong");
    expect(await say(focal(3), "1")).toContain("ghi là nộp muộn");

    const records = await t.app.services.registrations.records(1, 2026);
    expect(records.map((r) => [r.unitName, r.state, r.late])).toEqual([
      ["Văn phòng Tỉnh ủy", "NONE", false],
      ["Ban Tổ chức Tỉnh ủy", "APPROVED", false],
      ["Ủy ban Kiểm tra Tỉnh ủy", "RETURNED", false],
      ["Ban Tuyên giáo Tỉnh ủy", "AWAITING", true],
      ["Ban Dân vận Tỉnh ủy", "NONE", false],
      ["Ban Nội chính Tỉnh ủy", "NONE", false],
      ["Đảng ủy Khối các cơ quan tỉnh", "NONE", false],
    ]);
    expect(records[1]?.commitments).toEqual(["Hoàn thành 100% chỉ tiêu được giao"]);

    // /progress names the units yet to register; the year ranking marks them.
    await openScoredCampaign(t.app, t.clock.now(), { criteria: ["Trụ sở sạch đẹp | 10"] });
    const progress = await say(DEMO_LEAD, "/tiendo");
    expect(progress).toContain(
      "📝 Chưa đăng ký thi đua năm 2026 (4): Văn phòng Tỉnh ủy, Ban Dân vận Tỉnh ủy, Ban Nội chính Tỉnh ủy, Đảng ủy Khối các cơ quan tỉnh",
    );
    const year = await say(DEMO_LEAD, "/xephang nam 2026");
    expect(year).toMatch(/– Văn phòng Tỉnh ủy — 0 % · [^\n]* · chưa đăng ký thi đua/);
    expect(year).toMatch(/– Ban Tổ chức Tỉnh ủy — 0 % · [^\n·]*\n/);
  });
});

/** Unit ids of the demo bloc, in its order. */
const unit = async (i: number) => (await t.app.services.blocs.listUnits(1))[i]?.id ?? 0;

async function vote(i: number, pick: string) {
  const who = i === -1 ? DEMO_LEAD : focal(i);
  const ballot = await say(who, "/bophieu");
  const confirm = await say(who, pick);
  return { ballot, confirm, done: await say(who, "Bỏ phiếu") };
}

describe("the secret ballot in chat", () => {
  it("runs a ballot of seven units: one abstains, one changes, a tie goes to a second round", async () => {
    await joinAll();
    await t.app.services.ballots.setThreshold(1, 40, "operator");
    expect(await say(focal(1), "/binhxet")).toContain("không có quyền");
    expect(await say(focal(1), "/bophieu")).toContain("Không có cuộc bỏ phiếu nào đang mở");

    expect(await say(DEMO_LEAD, "/binhxet")).toContain("Nội dung bỏ phiếu là gì?");
    const candidates = await say(DEMO_LEAD, "1");
    expect(candidates).toContain("Chọn các đơn vị ứng cử");
    expect(await say(DEMO_LEAD, "2, 3, 4")).toContain("tối đa bao nhiêu đơn vị");
    expect(await say(DEMO_LEAD, "4")).toContain("từ 1 đến 3");
    expect(await say(DEMO_LEAD, "1")).toContain("Đóng phiếu lúc nào?");
    const preview = await say(DEMO_LEAD, "10/3 17:00");
    expect(preview).toContain("«Suy tôn đơn vị dẫn đầu Khối năm 2026» (vòng 1)");
    expect(preview).toContain(
      "Mỗi phiếu chọn tối đa 1 đơn vị. Hợp lệ khi có ít nhất 5/7 đơn vị thành viên bỏ phiếu. Trúng khi đạt từ 40% số đơn vị thành viên (3 phiếu) trở lên. Đóng phiếu lúc 17:00 10/03/2026.",
    );
    expect(await say(DEMO_LEAD, "Mở bỏ phiếu")).toContain("Đã mở cuộc bỏ phiếu số 1");
    await t.deliver();
    expect(t.transport.receivedBy(focal(6)).join("\n")).toContain("🗳 Bỏ phiếu kín");

    // B = Ban Tổ chức (unit 1), C = Ủy ban Kiểm tra (unit 2), D = Ban Tuyên giáo (unit 3).
    const first = await vote(0, "1");
    expect(first.ballot).toContain("1. Ban Tổ chức Tỉnh ủy");
    expect(first.confirm).toContain("Bạn chọn 1 đơn vị: Ban Tổ chức Tỉnh ủy. Xác nhận bỏ phiếu?");
    expect(first.done).toContain("Đã ghi phiếu kín của Văn phòng Tỉnh ủy");
    expect(first.done).not.toContain("Ban Tổ chức");
    // The head of the same unit (the lead) is told the unit has voted; nothing changes.
    expect(await say(DEMO_LEAD, "/bophieu")).toContain("Đơn vị của bạn đã bỏ phiếu (do focal0 bỏ)");
    await vote(1, "2");
    await vote(2, "1");
    await vote(3, "2");
    await vote(4, "1");
    // Bad input changes nothing: a number off the list, more than allowed.
    await say(focal(5), "/bophieu");
    expect(await say(focal(5), "9")).toContain("Vui lòng chọn một trong các lựa chọn");
    expect(await say(focal(5), "1, 2")).toContain("tối đa 1 đơn vị");
    await say(focal(5), "/huy");
    await vote(5, "1");
    // Unit 4 changes its vote from B to C.
    const changed = await vote(4, "2");
    expect(changed.ballot).toContain("Đơn vị đã bỏ phiếu; chọn lại dưới đây để đổi phiếu");
    expect(changed.done).toContain("Đã đổi phiếu kín của Ban Dân vận Tỉnh ủy");

    const status = await say(DEMO_LEAD, "/binhxet");
    expect(status).toContain("Đã bỏ phiếu: 6/7 đơn vị");
    expect(status).toContain("Chưa bỏ phiếu: Đảng ủy Khối các cơ quan tỉnh");
    expect(status).not.toMatch(/: \d+ phiếu/);
    const result = await say(DEMO_LEAD, "Đóng và kiểm phiếu");
    expect(result).toContain("Số đơn vị bỏ phiếu: 6/7 (tối thiểu 5).");
    expect(result).toContain("1. Ban Tổ chức Tỉnh ủy: 3 phiếu");
    expect(result).toContain("2. Ủy ban Kiểm tra Tỉnh ủy: 3 phiếu");
    expect(result).toContain("3. Ban Tuyên giáo Tỉnh ủy: 0 phiếu");
    expect(result).toContain("Bằng phiếu ở ngưỡng: Ban Tổ chức Tỉnh ủy, Ủy ban Kiểm tra Tỉnh ủy");
    // Voting after closing is refused.
    expect(await say(focal(6), "/bophieu")).toContain("Không có cuộc bỏ phiếu nào đang mở");

    expect(await say(DEMO_LEAD, "1")).toContain("Đóng phiếu lúc nào?");
    expect(await say(DEMO_LEAD, "12/3 17:00")).toContain("Đã mở vòng 2");
    for (const [i, pick] of [
      [0, "1"],
      [1, "2"],
      [2, "1"],
      [3, "2"],
      [4, "1"],
      [5, "1"],
      [6, "2"],
    ] as const) {
      const cast = await vote(i, pick);
      expect(cast.ballot).toContain("(vòng 2)");
      expect(cast.done).toContain("Đã ghi phiếu kín");
    }
    await t.deliver();
    t.clock.advance(11 * DAY);
    expect(await t.app.services.ballots.tick()).toEqual({ closed: 1, reminded: 0 });
    await t.deliver();
    const heard = t.transport.receivedBy(focal(6)).join("\n");
    expect(heard).toContain(
      "📋 Kết quả bỏ phiếu kín: «Suy tôn đơn vị dẫn đầu Khối năm 2026» (vòng 2)",
    );
    expect(heard).toContain("1. Ban Tổ chức Tỉnh ujy: 4 phiếu".replace("ujy", "ủy"));
    expect(heard).toContain("Trúng: Ban Tổ chức Tỉnh ủy.");

    const typed = await t.app.services.ballots.result(1, 1);
    expect(typed).toMatchObject({
      round: 2,
      eligible: 7,
      voted: 7,
      quorum: 5,
      thresholdPercent: 40,
      needed: 3,
      valid: true,
      elected: [{ unitId: await unit(1), unitName: "Ban Tổ chức Tỉnh ủy" }],
      candidates: [
        { unitName: "Ban Tổ chức Tỉnh ủy", votes: 4 },
        { unitName: "Ủy ban Kiểm tra Tỉnh ủy", votes: 3 },
      ],
    });

    // The result goes into the meeting's record and the proposal (the tổng kết pack).
    const out = join(t.dir, "pack");
    const pack = await runAdminCommand(t.app, ["documents", "2026", "--bloc", "1", "--out", out]);
    expect((pack.json as { notOffered: string[] }).notOffered).toEqual([]);
    const made = readdirSync(out);
    const fileOf = (suffix: string) => join(out, made.find((f) => f.endsWith(suffix)) ?? suffix);
    const record = pdfText(fileOf("2-bien-ban-binh-xet.pdf")).replace(/\s+/g, " ");
    expect(record).toContain("Suy tôn đơn vị dẫn đầu Khối năm 2026");
    expect(record).not.toContain("không tổ chức bỏ phiếu kín");
    expect(record).toMatch(/Ban Tổ chức Tỉnh ủy \S* ?4/);
    expect(record).toMatch(/Ủy ban Kiểm tra Tỉnh ủy \S* ?3/);
    const proposal = pdfText(fileOf("3-to-trinh-de-nghi.pdf")).replace(/\s+/g, " ");
    expect(proposal).toContain("Ban Tổ chức Tỉnh ủy");
    expect(proposal).not.toContain("Ủy ban Kiểm tra Tỉnh ủy");
  });

  it("records a ballot closed before its quorum as not valid, electing nobody", async () => {
    await joinAll();
    await t.app.services.ballots.open(
      1,
      {
        question: "Suy tôn",
        candidates: [await unit(1), await unit(2)],
        choose: 1,
        closesAt: new Date(t.clock.now().getTime() + DAY),
      },
      "operator",
    );
    await vote(0, "1");
    await say(DEMO_LEAD, "/binhxet");
    expect(await say(DEMO_LEAD, "Đóng và kiểm phiếu")).toContain(
      "Mới có 1 đơn vị bỏ phiếu, chưa đủ 5",
    );
    const result = await say(DEMO_LEAD, "Vẫn đóng (ghi là không hợp lệ)");
    expect(result).toContain("Không đủ số đơn vị tham gia: kết quả không hợp lệ");
    expect(result).not.toContain("Trúng:");
    expect((await t.app.services.ballots.result(1, 1)).valid).toBe(false);
  });

  it("ends a vote whose saved state was altered, recording no vote", async () => {
    await joinAll();
    await t.app.services.ballots.open(
      1,
      {
        question: "Suy tôn",
        candidates: [await unit(1), await unit(2)],
        choose: 1,
        closesAt: new Date(t.clock.now().getTime() + DAY),
      },
      "operator",
    );
    await say(focal(0), "/bophieu");
    const db = t.app.deps.db;
    const row = await db.conversationState.findFirstOrThrow({ where: { flow: "vote" } });
    const stored = JSON.parse(row.data);
    await db.conversationState.update({
      where: { key: row.key },
      data: { data: JSON.stringify({ ...stored, data: { ...stored.data, ticked: "all" } }) },
    });
    expect(await say(focal(0), "1")).toContain("không còn đọc được; không có gì được lưu");
    expect(await db.ballotVoter.count()).toBe(0);
    expect(await db.conversationState.count({ where: { flow: "vote" } })).toBe(0);
    // Asked again, the unit votes as usual.
    expect((await vote(0, "1")).done).toContain("Đã ghi phiếu kín");
    expect(await db.ballotVoter.count()).toBe(1);
  });

  it("refuses a stranger and another bloc's member", async () => {
    await joinAll();
    await t.app.services.ballots.open(
      1,
      {
        question: "Suy tôn",
        candidates: [await unit(1)],
        choose: 1,
        closesAt: new Date(t.clock.now().getTime() + DAY),
      },
      "operator",
    );
    expect(await say("stranger", "/bophieu")).toContain("chưa được liên kết");
    const other = await t.app.services.blocs.createBloc(
      "Khối khác",
      "Asia/Ho_Chi_Minh",
      "operator",
    );
    const otherUnit = await t.app.services.blocs.addUnit(other.id, "Sở khác", "operator");
    const code = await t.app.services.membership.issueInvite({
      blocId: other.id,
      unitId: otherUnit.id,
      role: "FOCAL",
      issuer: "operator",
    });
    await say("outsider", `/join ${code.code}`);
    expect(await say("outsider", "/bophieu")).toContain("Không có cuộc bỏ phiếu nào đang mở");
    await expect(
      t.app.services.ballots.cast(1, 1, { memberId: 99, unitId: otherUnit.id }, [await unit(1)]),
    ).rejects.toThrow("ballot_not_voter");
    expect(await t.app.deps.db.ballotVoter.count()).toBe(0);
  });
});

describe("reminders of the year", () => {
  it("remind units yet to register, and units yet to vote, once per slot", async () => {
    await joinAll();
    const now = t.clock.now().getTime();
    await t.app.services.registrations.open(
      1,
      { year: 2026, deadline: new Date(now + 5 * DAY) },
      "operator",
    );
    await say(focal(1), "/dangky");
    await say(focal(1), "1");
    await say(focal(1), "xong");
    await say(focal(1), "Hoàn thành nhiệm vụ");
    await say(focal(1), "xong");
    await say(focal(1), "1");
    expect(await t.app.services.registrations.tick()).toBe(0);
    t.clock.advance(2.5 * DAY);
    expect(await t.app.services.registrations.tick()).toBe(6);
    expect(await t.app.services.registrations.tick()).toBe(0);
    await t.deliver();
    expect(t.transport.receivedBy(focal(2)).join("\n")).toContain(
      "Đơn vị bạn chưa đăng ký thi đua năm 2026",
    );
    expect(t.transport.receivedBy(focal(1)).join("\n")).not.toContain("chưa đăng ký thi đua");

    await t.app.services.ballots.open(
      1,
      {
        question: "Suy tôn",
        candidates: [await unit(1)],
        choose: 1,
        closesAt: new Date(t.clock.now().getTime() + 2 * DAY),
      },
      "operator",
    );
    await vote(3, "1");
    expect((await t.app.services.ballots.tick()).reminded).toBe(0);
    t.clock.advance(1.5 * DAY);
    expect(await t.app.services.ballots.tick()).toEqual({ closed: 0, reminded: 6 });
    expect((await t.app.services.ballots.tick()).reminded).toBe(0);
    await t.deliver();
    expect(t.transport.receivedBy(focal(2)).join("\n")).toContain("Đơn vị bạn chưa bỏ phiếu kín");
    expect(t.transport.receivedBy(focal(3)).join("\n")).not.toContain("chưa bỏ phiếu kín");
  });
});
