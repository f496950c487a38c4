import { afterEach, describe, expect, it } from "vitest";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * Answers as they are typed on a phone, on the fake Zalo server: no buttons, so every
 * question is a numbered list answered by typing.
 */

let h: ZaloHarness;
afterEach(() => h?.close());

const LAN = "6ede9afa66b88fe6d6a9";
const LEAD = "1a2b3c4d5e6f70819203";
const code = (i: number) => h.invites[i]?.code ?? "";

/** One answer, whatever came back, as one text. */
const ask = async (user: string, text: string) => (await h.say(user, text)).join("\n");

async function joinLead(): Promise<void> {
  const invite = await h.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: null,
    role: "LEAD",
    issuer: "operator",
  });
  await h.say(LEAD, `/join ${invite.code}`, 2);
}

describe("no is none at an optional step", () => {
  for (const no of ["ko", "khong", "không", "k"]) {
    it(`"${no}" at the note leaves the report without a note, and at the photos without photos`, async () => {
      h = await startZaloBot();
      await h.say(LAN, `/join ${code(3)}`, 2);
      await ask(LAN, "/baocao");
      await ask(LAN, "1");
      expect(await ask(LAN, "2")).toContain("hoặc trả lời 1 (Không ghi chú)");
      expect(await ask(LAN, no)).toContain("Gửi ảnh minh chứng");
      const summary = await ask(LAN, no);
      expect(summary).toContain("Ghi chú: —");
      expect(summary).toContain("Ảnh: 0");
      expect(await ask(LAN, "1")).toContain("✅ Đã lưu báo cáo");
      const report = await h.t.app.deps.db.report.findFirstOrThrow();
      expect(report).toMatchObject({ status: "IN_PROGRESS", note: "" });
    });
  }

  it("keeps a note that only starts with no", async () => {
    h = await startZaloBot();
    await h.say(LAN, `/join ${code(3)}`, 2);
    for (const answer of ["/baocao", "1", "1"]) await ask(LAN, answer);
    await ask(LAN, "Không có vướng mắc");
    await ask(LAN, "xong");
    await ask(LAN, "gui");
    const report = await h.t.app.deps.db.report.findFirstOrThrow();
    expect(report.note).toBe("Không có vướng mắc");
  });
});

describe("a bare number answers the last list", () => {
  async function twoCampaigns(): Promise<void> {
    await openScoredCampaign(h.t.app, h.t.clock.now(), { closeDemo: false });
    await joinLead();
  }

  it("picks the campaign for /xuat, /tiendo and /nhac", async () => {
    h = await startZaloBot();
    await twoCampaigns();
    const list = await ask(LEAD, "/xuat");
    expect(list).toBe(
      [
        "Có nhiều đợt thi đua đang diễn ra. Chọn một:",
        "",
        "1. Công sở văn minh 2026",
        "2. Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn",
        "Trả lời 1 hoặc 2.",
      ].join("\n"),
    );
    const exported = await ask(LEAD, "2");
    expect(exported).toContain("Tổng hợp Xây dựng cơ quan");
    expect(exported).toContain("/downloads/");

    await ask(LEAD, "/tiendo");
    expect(await ask(LEAD, "1.")).toContain("📊 #2 Công sở văn minh 2026");

    await ask(LEAD, "/nhac");
    expect(await ask(LEAD, "2 👍")).toContain("Xây dựng cơ quan");
  });

  it("answers the list by a campaign's name too, and forgets it once something else is asked", async () => {
    h = await startZaloBot();
    await twoCampaigns();
    await ask(LEAD, "/tiendo");
    expect(await ask(LEAD, "cong so van minh 2026")).toContain("📊 #2 Công sở văn minh 2026");
    // The progress answered it: "1" now answers nothing.
    expect(await ask(LEAD, "1")).toContain("Tôi chưa hiểu tin nhắn này");
  });

  it("keeps the list through a typo", async () => {
    h = await startZaloBot();
    await twoCampaigns();
    await ask(LEAD, "/tiendo");
    expect(await ask(LEAD, "3")).toContain("Tôi chưa hiểu tin nhắn này");
    expect(await ask(LEAD, "1")).toContain("📊 #2 Công sở văn minh 2026");
  });
});

describe("the announcement's unit picker", () => {
  it("ticks several units in one answer, by numbers, ranges and names without diacritics", async () => {
    h = await startZaloBot();
    await joinLead();
    // Members in three units, so that the announcement reaches someone there.
    for (const [i, user] of [
      [1, "to-chuc-0000000000001"],
      [4, "dan-van-0000000000001"],
      [6, "dang-uy-0000000000001"],
    ] as const) {
      await h.say(user, `/join ${code(i)}`, 2);
    }
    await ask(LEAD, "/thongbao Họp sơ kết lúc 8h thứ Hai");
    expect(await ask(LEAD, "ko")).toContain("Gửi tới đâu?");
    const list = await ask(LEAD, "2");
    expect(list).toContain("ví dụ 1, 3, 5 hoặc 1-3");
    expect(list).toContain("1. Văn phòng Tỉnh ủy");
    expect(list).toContain("trả lời 8 (Xong)");

    const ticked = await ask(LEAD, "1, 2, 5");
    expect(ticked).toBe(
      [
        "Đã chọn 3 đơn vị: Văn phòng Tỉnh ủy, Ban Tổ chức Tỉnh ủy, Ban Dân vận Tỉnh ủy.",
        "Trả lời thêm số hoặc tên đơn vị để chọn hay bỏ chọn, hoặc 8 (Xong) để xem trước.",
      ].join("\n"),
    );
    // The list is not sent again for each tick.
    expect(ticked).not.toContain("1. Văn phòng");
    expect(await ask(LEAD, "6-7")).toContain("Đã chọn 5 đơn vị");
    // Named again, ticked units are unticked.
    expect(await ask(LEAD, "van phong tinh uy, dang uy khoi cac co quan tinh")).toContain(
      "Đã chọn 3 đơn vị: Ban Tổ chức Tỉnh ủy, Ban Dân vận Tỉnh ủy, Ban Nội chính Tỉnh ủy.",
    );
    expect(await ask(LEAD, "1 7")).toContain("Đã chọn 5 đơn vị");
    expect(await ask(LEAD, "ban noi chinh tinh uy")).toContain("Đã chọn 4 đơn vị");
    // A list with a part that names no unit changes nothing.
    const refused = await ask(LEAD, "2, 9");
    expect(refused).toContain("Vui lòng chọn một trong các lựa chọn");
    expect(await ask(LEAD, "3")).toContain("Đã chọn 5 đơn vị");
    expect(await ask(LEAD, "3")).toContain("Đã chọn 4 đơn vị");
    // Văn phòng (the demo lead's console chat), Tổ chức, Dân vận and Đảng ủy Khối.
    const preview = await ask(LEAD, "xong");
    expect(preview).toContain("thông báo sẽ gửi tới 4 cuộc trò chuyện");
  });
});

describe("emoji, punctuation and scores", () => {
  it("reads '1 👍' as 1, and '8.' and '8,5 đ' as self-scores", async () => {
    h = await startZaloBot();
    await openScoredCampaign(h.t.app, h.t.clock.now());
    await h.say(LAN, `/join ${code(3)}`, 2);
    expect(await ask(LAN, "/baocao")).toContain("Tình trạng thực hiện?");
    expect(await ask(LAN, "1 👍")).toContain("Ghi chú ngắn");
    expect(await ask(LAN, "Đã dọn trụ sở 🙏")).toContain("Tự chấm tiêu chí 1/2");
    expect(await ask(LAN, "8.")).toContain("Tự chấm tiêu chí 2/2");
    expect(await ask(LAN, "8,5 đ")).toContain("Gửi ảnh minh chứng");
    expect(await ask(LAN, "ko")).toContain("Tự chấm: 8 · 8,5");
    expect(await ask(LAN, "gửi ✅")).toContain("✅ Đã lưu báo cáo");
    const scores = await h.t.app.deps.db.reportScore.findMany({ orderBy: { criterionId: "asc" } });
    expect(scores.map((s) => s.self)).toEqual([8, 8.5]);
    const report = await h.t.app.deps.db.report.findFirstOrThrow();
    expect(report.note).toBe("Đã dọn trụ sở 🙏");
  });
});
