import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { signInWithLink, startWebBot, type WebClient, type WebHarness } from "../helpers/webBot.ts";

/*
 * The campaign page's edit forms over HTTP and in a phone's Chromium: the same service
 * as "/campaign edit" in chat, every post with the page's CSRF token, refusals shown on
 * the page with nothing changed, and each edit listed in the page's history.
 * The demo campaign's deadlines are 17:00 on 9 March, 8 April and 8 May 2026 (Hanoi).
 */
const hanoi = (local: string) => new Date(`${local}+07:00`);

let h: WebHarness;
beforeEach(async () => {
  h = await startWebBot();
  await h.t.chat.as("vp").send(`/join ${h.invites[0]?.code}`);
});
afterEach(() => h.close());

const signedIn = async (speaker: string): Promise<WebClient> => {
  const browser = h.browser();
  expect((await browser.open(await h.linkFor(speaker))).status).toBe(303);
  return browser;
};
const dueTimes = async (campaignId = 1) =>
  (
    await h.t.app.deps.db.deadline.findMany({ where: { campaignId }, orderBy: { dueAt: "asc" } })
  ).map((d) => d.dueAt.toISOString());
const edits = () =>
  h.t.app.deps.db.auditEvent.count({ where: { action: { startsWith: "campaign.edit" } } });

async function leadOn(campaignId = 1) {
  const lead = await signedIn(DEMO_LEAD);
  const page = await (await lead.get(`/web/campaigns/${campaignId}`)).text();
  const send = (path: string, form: Record<string, string>) =>
    lead.post(`/web/campaigns/${campaignId}/edit/${path}`, { _csrf: lead.csrf(page), ...form });
  return { lead, page, send };
}

describe("the campaign page's edit forms", () => {
  it("extends a deadline, tells the units and lists the edit in the history", async () => {
    const { page, send } = await leadOn();
    expect(page).toContain("Sửa đợt thi đua");
    expect(page).toContain('value="17:00 09/03/2026"');
    const moved = await send("deadlines/1", { dueAt: "16/3/2026" });
    expect(moved.status).toBe(200);
    const after = await moved.text();
    expect(after).toContain("Đã gia hạn đợt #1: hạn 17:00 09/03/2026 dời đến 17:00 16/03/2026");
    expect(after).toContain("Lịch sử thay đổi");
    expect(after).toContain(
      "Thường trực khối (demo) · dời hạn 17:00 09/03/2026 → 17:00 16/03/2026 (0 báo cáo không còn trễ)",
    );
    expect(await dueTimes()).toContain(hanoi("2026-03-16T17:00:00").toISOString());
    await h.t.deliver();
    expect(h.t.transport.receivedBy("vp").filter((m) => m.startsWith("📌"))).toEqual([
      "📌 Gia hạn: hạn báo cáo 17:00 09/03/2026 của đợt thi đua #1 “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn” được dời đến 17:00 16/03/2026.",
    ]);
  });

  it("refuses a past date, removing a deadline with reports and a hashtag in use, on the page and with nothing changed", async () => {
    for (const line of ["/report", "1", "1", "-", "Không có ảnh", "Gửi báo cáo"])
      await h.t.chat.as("vp").send(line);
    await h.t.app.services.campaigns.create(
      1,
      {
        title: "Tuổi trẻ sáng tạo",
        startsAt: h.t.clock.now(),
        endsAt: new Date(h.t.clock.now().getTime() + 30 * DAY),
        deadlines: [new Date(h.t.clock.now().getTime() + 20 * DAY)],
        hashtag: "#tuoitre",
      },
      "operator",
    );
    const { send } = await leadOn();
    const before = await dueTimes();
    const cases: [string, Record<string, string>, string][] = [
      ["deadlines/1", { dueAt: "1/3/2026" }, "17:00 01/03/2026 đã qua"],
      ["deadlines/1/remove", {}, "Hạn 17:00 09/03/2026 đã có 1 báo cáo nên không bỏ được"],
      [
        "details",
        { title: "Tên mới", description: "", hashtag: "#TuoiTre" },
        "Hashtag #tuoitre đang dùng cho đợt #2 (Tuổi trẻ sáng tạo)",
      ],
      ["deadlines", { dueAt: "ba mươi" }, "ba mươi"],
    ];
    for (const [path, form, message] of cases) {
      const refused = await send(path, form);
      expect(refused.status).toBe(400);
      const page = await refused.text();
      expect(page).toContain('role="alert"');
      expect(page).toContain(message);
    }
    expect(await dueTimes()).toEqual(before);
    expect((await h.t.app.services.campaigns.get(1, 1)).title).toContain("Xây dựng cơ quan");
    expect(await edits()).toBe(0);
  });

  it("answers another bloc's campaign as not found, and refuses a post without the page's token", async () => {
    const other = await h.t.app.services.blocs.createBloc(
      "Khối khác",
      "Asia/Ho_Chi_Minh",
      "operator",
    );
    const foreign = await h.t.app.services.campaigns.create(
      other.id,
      {
        title: "Đợt của khối khác",
        startsAt: h.t.clock.now(),
        endsAt: new Date(h.t.clock.now().getTime() + 30 * DAY),
        deadlines: [new Date(h.t.clock.now().getTime() + 20 * DAY)],
      },
      "operator",
    );
    const { lead, page } = await leadOn();
    const forged = await lead.post(`/web/campaigns/${foreign.id}/edit/details`, {
      _csrf: lead.csrf(page),
      title: "Chiếm quyền",
      description: "",
      hashtag: "",
    });
    expect(forged.status).toBe(404);
    const deadline = foreign.deadlines[0]?.id ?? 0;
    const crossed = await lead.post(`/web/campaigns/1/edit/deadlines/${deadline}`, {
      _csrf: lead.csrf(page),
      dueAt: "30/3/2026",
    });
    expect(crossed.status).toBe(404);
    const noToken = await lead.post("/web/campaigns/1/edit/deadlines/1", { dueAt: "30/3/2026" });
    expect(noToken.status).toBe(403);
    expect((await h.t.app.services.campaigns.get(other.id, foreign.id)).title).toBe(
      "Đợt của khối khác",
    );
    expect(await dueTimes(foreign.id)).toEqual(foreign.deadlines.map((d) => d.dueAt.toISOString()));
    expect(await edits()).toBe(0);
  });

  it("asks to confirm a scale change that converts given scores, naming how many", async () => {
    const id = await openScoredCampaign(h.t.app, h.t.clock.now());
    await h.t.chat.as("tc").send(`/join ${h.invites[1]?.code}`);
    for (const line of ["/baocao", "1", "-", "8", "5", "xong", "1"])
      await h.t.chat.as("tc").send(line);
    const { send } = await leadOn(id);
    const criterionId = (await h.t.app.services.campaigns.get(1, id)).criteriaScale[0]?.id ?? 0;
    const asked = await send(`criteria/${criterionId}`, { maxScore: "20", weight: "1" });
    expect(asked.status).toBe(200);
    const page = await asked.text();
    expect(page).toContain("Tôi đồng ý quy đổi 1 điểm đã chấm sang thang mới");
    expect((await h.t.app.services.campaigns.get(1, id)).criteriaScale[0]?.maxScore).toBe(10);
    const saved = await send(`criteria/${criterionId}`, {
      maxScore: "20",
      weight: "1",
      confirmScores: "1",
    });
    expect(await saved.text()).toContain("Đã quy đổi 1 điểm đã chấm sang thang mới");
    expect((await h.t.app.services.campaigns.get(1, id)).criteriaScale[0]?.maxScore).toBe(20);
    const score = await h.t.app.deps.db.reportScore.findFirstOrThrow({ where: { criterionId } });
    expect(score.self).toBe(16);
  });
});

describe("the edit forms in a phone's browser", () => {
  it("extend a deadline and add a criterion at 360 px with scripts off", async () => {
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
      await page.goto(`${h.http.url}/web/campaigns/1`);
      const first = page.locator("#due-1");
      await first.fill("1/3/2026");
      await page.locator('form[action="/web/campaigns/1/edit/deadlines/1"] button').click();
      await expect(page.getByRole("alert").textContent()).resolves.toContain(
        "17:00 01/03/2026 đã qua",
      );
      expect(
        await page.evaluate<number>("document.documentElement.scrollWidth"),
      ).toBeLessThanOrEqual(360);

      await page.locator("#due-1").fill("16/3/2026 17:00");
      await page.locator('form[action="/web/campaigns/1/edit/deadlines/1"] button').click();
      await expect(page.getByRole("status").textContent()).resolves.toContain(
        "dời đến 17:00 16/03/2026",
      );
      await page.getByLabel("Thêm tiêu chí").fill("Tiết kiệm điện | 10");
      await page.locator('form[action="/web/campaigns/1/edit/criteria"] button').click();
      await expect(page.getByRole("status").textContent()).resolves.toContain(
        "Đã thêm tiêu chí cho đợt #1: Tiết kiệm điện.",
      );
      expect(
        await page.evaluate<number>("document.documentElement.scrollWidth"),
      ).toBeLessThanOrEqual(360);
      await page.locator("#edit").scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(artifacts, "campaign-edit-phone.png"), fullPage: true });
      expect(await dueTimes()).toContain(hanoi("2026-03-16T17:00:00").toISOString());
      expect((await h.t.app.services.campaigns.get(1, 1)).criteria.at(-1)).toBe("Tiết kiệm điện");
    } finally {
      await browser.close();
    }
  }, 60_000);
});
