import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { startWebBot, type WebClient, type WebHarness } from "../helpers/webBot.ts";

/* The review queue and the ranking in the dashboard, with the same services as /review. */

let h: WebHarness;
let campaignId: number;
beforeEach(async () => {
  h = await startWebBot();
  campaignId = await openScoredCampaign(h.t.app, h.t.clock.now(), { closeDemo: false });
  await h.t.chat.as("lan").send(`/join ${h.invites[3]?.code}`);
  // Two active campaigns: the focal point picks the scored one, then answers.
  await h.t.chat.as("lan").send("/baocao");
  for (const line of ["Công sở văn minh 2026", "1", "-", "8", "9", "xong", "1"]) {
    await h.t.chat.as("lan").send(line);
  }
});
afterEach(() => h.close());

const signedIn = async (speaker: string): Promise<WebClient> => {
  const browser = h.browser();
  expect((await browser.open(await h.linkFor(speaker))).status).toBe(303);
  return browser;
};

async function reviewer() {
  const code = await h.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: null,
    role: "REVIEWER",
    issuer: "operator",
  });
  await h.t.chat.as("hoidong").send(`/join ${code.code}`);
  return signedIn("hoidong");
}

describe("reviewing in the dashboard", () => {
  it("takes a reviewer from the queue to a scored report, and shows the ranking with its chart", async () => {
    const browser = await reviewer();
    const home = await browser.get("/web");
    expect(home.headers.get("location")).toBe("/web/reviews");
    const queue = await (await browser.get("/web/reviews")).text();
    expect(queue).toContain("Ban Tuyên giáo Tỉnh ủy — Công sở văn minh 2026");
    const reportId = (await h.t.app.deps.db.report.findFirstOrThrow()).id;
    const page = await (await browser.get(`/web/reviews/${reportId}`)).text();
    expect(page).toContain("Trụ sở sạch đẹp (0–10; tự chấm 8)");
    const csrf = browser.csrf(page);
    const version = /name="version" value="(\d+)"/.exec(page)?.[1] ?? "";

    const tooMuch = await browser.post(`/web/reviews/${reportId}/score`, {
      _csrf: csrf,
      version,
      [`c${await criterionId(0)}`]: "11",
      [`c${await criterionId(1)}`]: "9",
    });
    expect(tooMuch.status).toBe(400);
    expect(await tooMuch.text()).toContain("Điểm phải là một số từ 0 đến 10");

    const scored = await browser.post(`/web/reviews/${reportId}/score`, {
      _csrf: csrf,
      version,
      [`c${await criterionId(0)}`]: "7,5",
      [`c${await criterionId(1)}`]: "9",
    });
    expect(await scored.text()).toContain(
      "Đã chấm báo cáo của Ban Tuyên giáo Tỉnh ủy: 82,5 % (16,5/20 điểm)",
    );

    // The same version again (a second tab): refused, nothing more recorded.
    const again = await browser.post(`/web/reviews/${reportId}/approve`, { _csrf: csrf, version });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("vừa được người khác xét");
    expect(await h.t.app.deps.db.reviewDecision.count()).toBe(1);

    const ranking = await (await browser.get(`/web/ranking/${campaignId}`)).text();
    expect(ranking).toContain('class="rank-bars"');
    expect(ranking).toContain("1. Ban Tuyên giáo Tỉnh ủy");
    expect(ranking).toContain("82,5 %");
    expect(ranking).toContain("Xuất sắc ≥ 90 %");
  });

  it("returns a report only with a reason, and the focal point is told", async () => {
    const lead = await signedIn(DEMO_LEAD);
    const reportId = (await h.t.app.deps.db.report.findFirstOrThrow()).id;
    const page = await (await lead.get(`/web/reviews/${reportId}`)).text();
    const csrf = lead.csrf(page);
    const version = /name="version" value="(\d+)"/.exec(page)?.[1] ?? "";
    const empty = await lead.post(`/web/reviews/${reportId}/return`, {
      _csrf: csrf,
      version,
      reason: "  ",
    });
    expect(empty.status).toBe(400);
    const returned = await lead.post(`/web/reviews/${reportId}/return`, {
      _csrf: csrf,
      version,
      reason: "Thiếu ảnh cây xanh",
    });
    expect(await returned.text()).toContain("Đã trả lại báo cáo của Ban Tuyên giáo Tỉnh ủy");
    await h.t.deliver();
    expect(h.t.transport.receivedBy("lan").at(-1)).toContain("Lý do: Thiếu ảnh cây xanh");
  });

  it("shows the unit every decision, the heatmap the review state, and asks a reason for a correction", async () => {
    const lead = await signedIn(DEMO_LEAD);
    const reportId = (await h.t.app.deps.db.report.findFirstOrThrow()).id;
    let page = await (await lead.get(`/web/reviews/${reportId}`)).text();
    const csrf = lead.csrf(page);
    let version = /name="version" value="(\d+)"/.exec(page)?.[1] ?? "";
    expect(page).toContain("Tổng tự chấm: 85 % (17/20 điểm)");
    const approved = await lead.post(`/web/reviews/${reportId}/approve`, { _csrf: csrf, version });
    expect(await approved.text()).toContain("Đã duyệt báo cáo của Ban Tuyên giáo Tỉnh ủy: 85 %");

    // Approved once: scoring it again is a correction, and needs its reason.
    page = await (await lead.get(`/web/reviews/${reportId}`)).text();
    version = /name="version" value="(\d+)"/.exec(page)?.[1] ?? "";
    expect(page).toContain("Báo cáo này đã được xét");
    const points = { [`c${await criterionId(0)}`]: "6", [`c${await criterionId(1)}`]: "9" };
    const bare = await lead.post(`/web/reviews/${reportId}/score`, {
      _csrf: csrf,
      version,
      ...points,
    });
    expect(bare.status).toBe(400);
    expect(await bare.text()).toContain("hãy ghi lý do điều chỉnh");
    const corrected = await lead.post(`/web/reviews/${reportId}/score`, {
      _csrf: csrf,
      version,
      ...points,
      reason: "Phúc tra: sảnh chưa sạch",
    });
    expect(await corrected.text()).toContain("75 % (15/20 điểm)");

    const lan = await signedIn("lan");
    const unit = await (await lan.get("/web/units/4")).text();
    expect(unit).toContain("Thẩm định: <strong>Đã chấm</strong>");
    expect(unit).toContain("duyệt · 85 % (17/20 điểm)");
    expect(unit).toContain(
      "chấm điểm · điều chỉnh · 75 % (15/20 điểm) · lý do: Phúc tra: sảnh chưa sạch",
    );
    expect(unit).toContain("Trụ sở sạch đẹp: 6/10 điểm");

    const heatmap = await (await lead.get(`/web/campaigns/${campaignId}`)).text();
    expect(heatmap).toContain('data-review="SCORED">Hoàn thành · Đã chấm</td>');
    const ranking = await (await lead.get(`/web/ranking/${campaignId}`)).text();
    expect(ranking).toContain("Điều chỉnh sau khi đã xét");
    expect(ranking).toContain("Ban Tuyên giáo Tỉnh ủy: Phúc tra: sảnh chưa sạch");
  });

  it("keeps the queue and the ranking from a unit's members", async () => {
    const lan = await signedIn("lan");
    expect((await lan.get("/web/reviews")).status).toBe(403);
    expect((await lan.get(`/web/ranking/${campaignId}`)).status).toBe(403);
    const reportId = (await h.t.app.deps.db.report.findFirstOrThrow()).id;
    const page = await (await lan.get("/web/units/4")).text();
    const csrf = lan.csrf(page);
    expect(
      (await lan.post(`/web/reviews/${reportId}/approve`, { _csrf: csrf, version: "1" })).status,
    ).toBe(403);
    expect(await h.t.app.deps.db.reviewDecision.count()).toBe(0);
  });
});

async function criterionId(index: number): Promise<number> {
  const criteria = await h.t.app.deps.db.criterion.findMany({
    where: { campaignId },
    orderBy: { position: "asc" },
  });
  return criteria[index]?.id ?? 0;
}
