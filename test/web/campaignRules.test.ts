import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { signInWithLink, startWebBot, type WebClient, type WebHarness } from "../helpers/webBot.ts";

/*
 * The campaign page's scoring rules over HTTP: the lead sees the late rule and the
 * classes (the bloc's shown), changes them with a plain form, and a wrong value is
 * answered on the form in the lead's language with nothing saved.
 */

let h: WebHarness;
let campaignId: number;
beforeEach(async () => {
  h = await startWebBot();
  campaignId = await openScoredCampaign(h.t.app, h.t.clock.now());
});
afterEach(() => h.close());

const signedIn = async (speaker: string): Promise<WebClient> => {
  const browser = h.browser();
  expect((await browser.open(await h.linkFor(speaker))).status).toBe(303);
  return browser;
};

const rulesAudits = () => h.t.app.deps.db.auditEvent.count({ where: { action: "campaign.rules" } });
const stored = () => h.t.app.services.campaigns.get(1, campaignId);

/** The lead on the campaign page, with the page's CSRF token. */
async function leadOnCampaign() {
  const lead = await signedIn(DEMO_LEAD);
  const page = await (await lead.get(`/web/campaigns/${campaignId}`)).text();
  const send = (form: Record<string, string>) =>
    lead.post(`/web/campaigns/${campaignId}/rules`, { _csrf: lead.csrf(page), ...form });
  return { lead, page, send };
}

describe("the campaign page's scoring rules", () => {
  it("shows the late rule and the bloc's classes, and saves points per day late with the campaign's own classes", async () => {
    const { page, send } = await leadOnCampaign();
    expect(page).toContain("Quy định chấm điểm");
    expect(page).toMatch(
      /<input type="radio" name="late" value="none" checked[^>]*\/> Không trừ điểm/,
    );
    expect(page).toContain(
      "Dùng mức của khối: Xuất sắc ≥ 90 %, Tốt ≥ 70 %, Hoàn thành ≥ 50 %, Không hoàn thành ≥ 0 %",
    );
    expect(page).toContain(">Xuất sắc:90, Tốt:70, Hoàn thành:50, Không hoàn thành:0</textarea>");

    const saved = await send({
      late: "deduct",
      points: "0,5",
      classes: "own",
      thresholds: "Xuất sắc:95, Tốt:80, Đạt:50, Chưa đạt:0",
    });
    expect(saved.status).toBe(200);
    const after = await saved.text();
    expect(after).toContain("✅ Đã lưu quy định chấm điểm của đợt #2: Công sở văn minh 2026.");
    expect(after).toMatch(/value="deduct" checked/);
    expect(after).toContain('value="0,5"');
    expect(after).toMatch(/value="own" checked/);
    expect(await stored()).toMatchObject({
      lateRule: "deduct:0.5",
      thresholds: [
        { label: "Xuất sắc", min: 95 },
        { label: "Tốt", min: 80 },
        { label: "Đạt", min: 50 },
        { label: "Chưa đạt", min: 0 },
      ],
    });
    expect(await rulesAudits()).toBe(1);

    // The ranking page reads the classes the lead just set.
    const { lead } = await leadOnCampaign();
    const ranking = await (await lead.get(`/web/ranking/${campaignId}`)).text();
    expect(ranking).toContain("Xuất sắc ≥ 95 %, Tốt ≥ 80 %, Đạt ≥ 50 %, Chưa đạt ≥ 0 %");

    // Back to the bloc's classes, late reports out of the classes.
    const back = await send({ late: "ineligible", points: "", classes: "bloc", thresholds: "" });
    expect(back.status).toBe(200);
    expect(await stored()).toMatchObject({ lateRule: "ineligible", thresholds: null });
    expect(await rulesAudits()).toBe(2);
  });

  it("refuses a negative or wordy late rule and classes out of order or above 100 %, keeping what was typed and changing nothing", async () => {
    const { send } = await leadOnCampaign();
    const cases: [Record<string, string>, string][] = [
      [
        { late: "deduct", points: "-2", classes: "bloc" },
        "“-2” không dùng được: số điểm trừ mỗi ngày trễ phải là một số lớn hơn 0",
      ],
      [
        { late: "deduct", points: "hai", classes: "bloc" },
        "“hai” không dùng được: số điểm trừ mỗi ngày trễ phải là một số lớn hơn 0",
      ],
      [
        { late: "none", classes: "own", thresholds: "Xuất sắc:60, Tốt:80, Chưa đạt:0" },
        "Các mức phải xếp từ cao xuống thấp: “Tốt” (80 %) phải thấp hơn “Xuất sắc” (60 %)",
      ],
      [
        { late: "none", classes: "own", thresholds: "Xuất sắc:110, Tốt:80, Chưa đạt:0" },
        "Mức “Xuất sắc” là 110 %: tỷ lệ phải từ 0 đến 100 %",
      ],
      [
        { late: "none", classes: "own", thresholds: "Xuất sắc, Tốt" },
        "Không đọc được mức xếp loại “Xuất sắc”",
      ],
    ];
    for (const [form, message] of cases) {
      const refused = await send({ points: "", thresholds: "", ...form });
      expect(refused.status).toBe(400);
      const page = await refused.text();
      expect(page).toContain('role="alert"');
      expect(page).toContain(message);
      expect(page).toContain("Chưa có gì thay đổi.");
      // What was typed stays in the form, to be corrected.
      if (form.points) expect(page).toContain(`value="${form.points}"`);
      if (form.thresholds) expect(page).toContain(`>${form.thresholds}</textarea>`);
    }
    expect(await stored()).toMatchObject({ lateRule: "none", thresholds: null });
    expect(await rulesAudits()).toBe(0);
  });

  it("names every wrong value at once, in English for a lead reading in English", async () => {
    const { lead, send } = await leadOnCampaign();
    // The language switch's cookie, as the browser would send it beside the session's.
    lead.cookie = `${lead.cookie}; thidua_lang=en`;
    const refused = await send({
      late: "deduct",
      points: "-1",
      classes: "own",
      thresholds: "Top:90, Good:95, None:0",
    });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain("Scoring rules");
    expect(page).toContain(
      "“-1” cannot be used: the points off per day late must be a number above 0",
    );
    expect(page).toContain(
      "Classes go from the highest down: “Good” (95 %) must be below “Top” (90 %)",
    );
    expect(await stored()).toMatchObject({ lateRule: "none", thresholds: null });
  });

  it("is the lead's only, needs the page's token, and is not offered for a campaign without scores", async () => {
    const lead = await signedIn(DEMO_LEAD);
    const noToken = await lead.post(`/web/campaigns/${campaignId}/rules`, {
      late: "ineligible",
      classes: "bloc",
    });
    expect(noToken.status).toBe(403);

    await h.t.chat.as("lan").send(`/join ${h.invites[3]?.code}`);
    const focal = await signedIn("lan");
    const focalPage = await (await focal.get("/web/units/4")).text();
    const forged = await focal.post(`/web/campaigns/${campaignId}/rules`, {
      _csrf: focal.csrf(focalPage),
      late: "ineligible",
      classes: "bloc",
    });
    expect(forged.status).toBe(403);
    expect(await stored()).toMatchObject({ lateRule: "none" });
    expect(await rulesAudits()).toBe(0);

    // The demo campaign scores nothing: no rules form, and a post is refused.
    expect(await (await lead.get("/web/campaigns/1")).text()).not.toContain("Quy định chấm điểm");
    const notScored = await lead.post("/web/campaigns/1/rules", {
      _csrf: lead.csrf(await (await lead.get("/web/campaigns/1")).text()),
      late: "ineligible",
      classes: "bloc",
    });
    expect(notScored.status).toBe(400);
    expect(await notScored.text()).toContain("Đợt thi đua này không chấm điểm theo tiêu chí.");
  });
});

describe("the scoring rules of published results", () => {
  it("are shown but no longer offered, and a post changes nothing", async () => {
    const { send } = await leadOnCampaign();
    await h.t.chat.as(DEMO_LEAD).send(`/congbo ${campaignId}`);
    expect(
      (await h.t.app.deps.db.campaign.findUniqueOrThrow({ where: { id: campaignId } })).publishedAt,
    ).not.toBeNull();
    const { page } = await leadOnCampaign();
    expect(page).toContain("Kết quả đã công bố nên quy định chấm điểm không đổi được nữa.");
    expect(page).toContain("<fieldset disabled");
    expect(page).not.toContain("Lưu quy định");
    const refused = await send({ late: "ineligible", points: "", classes: "bloc", thresholds: "" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Kết quả đợt thi đua này đã được công bố");
    expect(await stored()).toMatchObject({ lateRule: "none", thresholds: null });
    expect(await rulesAudits()).toBe(0);
  });
});

describe("the scoring rules in a phone's browser", () => {
  it("are changed at 360 px with scripts off, the refusal shown beside the form", async () => {
    const artifacts = join(import.meta.dirname, "../../test-artifacts");
    mkdirSync(artifacts, { recursive: true });
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({
        viewport: { width: 360, height: 780 },
        javaScriptEnabled: false,
      });
      const page = await context.newPage();
      await signInWithLink(page, await h.linkFor(DEMO_LEAD));
      await page.goto(`${h.http.url}/web/campaigns/${campaignId}`);
      await page.getByRole("radio", { name: "Trừ điểm mỗi ngày trễ" }).check();
      await page.getByLabel("Số điểm trừ mỗi ngày trễ").fill("-1");
      await page.getByRole("button", { name: "Lưu quy định" }).click();
      await expect(page.getByRole("alert").textContent()).resolves.toContain(
        "“-1” không dùng được",
      );
      expect(
        await page.evaluate<number>("document.documentElement.scrollWidth"),
      ).toBeLessThanOrEqual(360);
      await page.locator("#rules").scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(artifacts, "campaign-rules-phone.png") });

      await page.getByLabel("Số điểm trừ mỗi ngày trễ").fill("1,5");
      await page.getByRole("radio", { name: "Mức riêng của đợt này" }).check();
      await page.locator("textarea[name=thresholds]").fill("Xuất sắc:90, Tốt:80, Chưa đạt:0");
      await page.getByRole("button", { name: "Lưu quy định" }).click();
      await expect(page.getByRole("status").textContent()).resolves.toContain(
        "Đã lưu quy định chấm điểm của đợt #2",
      );
      expect(await stored()).toMatchObject({
        lateRule: "deduct:1.5",
        thresholds: [
          { label: "Xuất sắc", min: 90 },
          { label: "Tốt", min: 80 },
          { label: "Chưa đạt", min: 0 },
        ],
      });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
