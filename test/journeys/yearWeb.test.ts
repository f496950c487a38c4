import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { startWebBot, type WebClient, type WebHarness } from "../helpers/webBot.ts";

/*
 * The dashboard's year page: registrations, the ballot with who has voted (never a
 * count before closing), a unit's secret vote from the page, the lead's closing and
 * the result.
 */

let h: WebHarness;
beforeEach(async () => {
  h = await startWebBot();
});
afterEach(() => h.close());

async function signedIn(speaker: string): Promise<WebClient> {
  const client = h.browser();
  const opened = await client.open(await h.linkFor(speaker));
  expect(opened.status).toBe(303);
  return client;
}

const origin = () => ({ origin: h.http.url });

describe("the year page", () => {
  it("shows registrations, takes a secret vote, refuses a non-candidate, and shows the result after closing", async () => {
    await h.t.chat.as("lan").send(`/join ${h.invites[1]?.code}`);
    await h.t.chat.as("hoa").send(`/join ${h.invites[2]?.code}`);
    const units = await h.t.app.services.blocs.listUnits(1);
    await h.t.app.services.registrations.open(
      1,
      { year: 2026, deadline: new Date(h.t.clock.now().getTime() + 30 * DAY) },
      "operator",
    );
    await h.t.app.services.registrations.register(
      1,
      { memberId: 2, unitId: units[1]?.id ?? 0 },
      { titles: ["Tập thể Lao động xuất sắc"], commitments: ["Hoàn thành 100% nhiệm vụ"] },
    );
    await h.t.app.services.ballots.setThreshold(1, 20, "operator");
    await h.t.app.services.ballots.open(
      1,
      {
        question: "Suy tôn đơn vị dẫn đầu Khối năm 2026",
        candidates: [units[1]?.id ?? 0, units[2]?.id ?? 0],
        choose: 1,
        closesAt: new Date(h.t.clock.now().getTime() + DAY),
        quorum: 2,
      },
      "operator",
    );

    const lan = await signedIn("lan");
    const page = await (await lan.get("/web/year")).text();
    expect(page).toContain("Hoàn thành 100% nhiệm vụ");
    expect(page).toContain('data-state="NONE"');
    expect(page).toContain('name="candidate"');
    const csrf = lan.csrf(page);
    const refused = await lan.post(
      "/web/year/vote",
      { _csrf: csrf, ballot: "1", candidate: String(units[0]?.id) },
      origin(),
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("không phải đơn vị ứng cử");
    expect(await h.t.app.deps.db.ballotVoter.count()).toBe(0);
    const cast = await lan.post(
      "/web/year/vote",
      { _csrf: csrf, ballot: "1", candidate: String(units[2]?.id) },
      origin(),
    );
    expect(cast.status).toBe(200);
    expect(await cast.text()).toContain("Đã ghi phiếu kín của Ban Tổ chức Tỉnh ủy");

    const hoa = await signedIn("hoa");
    const hoaPage = await (await hoa.get("/web/year")).text();
    await hoa.post(
      "/web/year/vote",
      { _csrf: hoa.csrf(hoaPage), ballot: "1", candidate: String(units[2]?.id) },
      origin(),
    );

    const lead = await signedIn(DEMO_LEAD);
    const status = await (await lead.get("/web/year")).text();
    expect(status).toContain("Đã bỏ phiếu: 2/7 đơn vị");
    expect(status).not.toContain("data-result");
    // The lead reaches the year-end documents from the year page; a unit does not.
    expect(status).toContain('<a href="/web/documents">Lập văn bản tổng kết');
    expect((await lead.get("/web/documents")).status).toBe(200);
    expect(page).not.toContain('href="/web/documents"');
    const closed = await lead.post(
      "/web/year/close",
      { _csrf: lead.csrf(status), ballot: "1" },
      origin(),
    );
    const result = await closed.text();
    expect(result).toContain('data-result="1:1"');
    expect(result).toMatch(/Ủy ban Kiểm tra Tỉnh ủy<\/th><td>2<\/td>/);
    expect(result).toContain("Trúng: Ủy ban Kiểm tra Tỉnh ủy.");
    // After closing, a vote from the page is refused and changes nothing.
    const late = await lan.post(
      "/web/year/vote",
      { _csrf: csrf, ballot: "1", candidate: String(units[1]?.id) },
      origin(),
    );
    expect(await late.text()).toContain("Không có cuộc bỏ phiếu nào đang mở");
  });
});

describe("the lead's forms on the year page", () => {
  it("opens the registration and a ballot, and says what is wrong with nothing changed", async () => {
    const lead = await signedIn(DEMO_LEAD);
    const page = await (await lead.get("/web/year")).text();
    expect(page).toContain("Tập thể Lao động xuất sắc\nTập thể Lao động tiên tiến");
    // Nothing scored yet: the ranking says so rather than showing an empty table.
    expect(page).toContain("Chưa có đợt thi đua nào trong năm được chấm điểm");
    expect(page).not.toContain('<table class="ranking"');
    const csrf = lead.csrf(page);
    const bad = await lead.post(
      "/web/year/registration",
      { _csrf: csrf, deadline: "ngày mai", titles: "Tập thể Lao động xuất sắc" },
      origin(),
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Không đọc được ngày &quot;ngày mai&quot;");
    expect(await h.t.app.deps.db.registrationRound.count()).toBe(0);
    const opened = await lead.post(
      "/web/year/registration",
      {
        _csrf: csrf,
        deadline: "31/3",
        titles: "Tập thể Lao động xuất sắc\nCờ thi đua của UBND tỉnh",
      },
      origin(),
    );
    expect(await opened.text()).toContain(
      "Danh hiệu: Tập thể Lao động xuất sắc; Cờ thi đua của UBND tỉnh",
    );

    const units = await h.t.app.services.blocs.listUnits(1);
    const ballot = await lead.post(
      "/web/year/ballot",
      {
        _csrf: csrf,
        question: "Suy tôn đơn vị dẫn đầu Khối năm 2026",
        candidate: String(units[3]?.id),
        choose: "1",
        closes: "20/3 17:00",
      },
      origin(),
    );
    const text = await ballot.text();
    expect(text).toContain("Đã mở cuộc bỏ phiếu số 1");
    expect(text).toContain("Đã bỏ phiếu: 0/7 đơn vị");
    const again = await lead.post(
      "/web/year/ballot",
      {
        _csrf: csrf,
        question: "Lần nữa",
        candidate: String(units[3]?.id),
        choose: "1",
        closes: "21/3",
      },
      origin(),
    );
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("Khối đang có một cuộc bỏ phiếu chưa đóng");
  });
});
