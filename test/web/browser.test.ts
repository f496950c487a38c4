import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { png } from "../helpers/images.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { texts } from "../helpers/testApp.ts";
import { signInWithLink, startWebBot, type WebHarness } from "../helpers/webBot.ts";
import { readXlsx } from "../helpers/xlsxReader.ts";

/*
 * The dashboard in a real headless Chromium (Debian's package, never a downloaded
 * browser), as a lead and an officer meet it: from the link /web gives in chat.
 * Screenshots go to test-artifacts/ (phone and desktop widths).
 */

const ARTIFACTS = join(import.meta.dirname, "../../test-artifacts");
const PHONE = { width: 360, height: 780 };
const DESKTOP = { width: 1280, height: 900 };

let browser: Browser;
let h: WebHarness;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
  h = await startWebBot();
  // One unit has reported with a photo; an announcement failed for one chat.
  await h.t.chat.as("lan").send(`/join ${h.invites[3]?.code}`);
  await h.t.chat
    .as("lan")
    .sendFiles([{ bytes: png(320, 240, 3, true), fileName: "sân.png" }], "#xanhsachdep");
  for (const line of ["/announce Họp giao ban sáng thứ Hai", "Không có ảnh", "1", "Gửi"]) {
    await h.t.chat.as(DEMO_LEAD).send(line);
  }
  await h.t.app.deps.db.delivery.updateMany({
    where: { platformChatId: "lan" },
    data: { status: "FAILED", lastError: "403 Forbidden: bot was blocked by the user" },
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** Opens a /web link and presses its sign-in button, as the person does. */
async function open(link: string, viewport = PHONE): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  // A step that cannot happen fails in seconds, with what it waited for.
  context.setDefaultTimeout(5000);
  const page = await context.newPage();
  await signInWithLink(page, link);
  return page;
}

describe("the dashboard in Chromium", () => {
  it("takes a lead from /web to the heatmap, the photos, the XLSX and a retried announcement", {
    timeout: 60_000,
  }, async () => {
    const page = await open(await h.linkFor(DEMO_LEAD));
    await expect.poll(() => page.url()).toMatch(/\/web$/);
    await page.getByRole("link", { name: /Xây dựng cơ quan/ }).click();
    await page.waitForURL(/\/web\/campaigns\/1$/);
    expect(await page.locator('td[data-state="IN_PROGRESS"]').count()).toBe(1);
    expect(await page.locator('td[data-state="IN_PROGRESS"]').textContent()).toContain("1 ảnh");
    expect(await page.getByText("6 đơn vị chưa báo cáo cho hạn").count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, "campaign-phone.png"), fullPage: true });
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: join(ARTIFACTS, "campaign-desktop.png"), fullPage: true });

    // The files, as /export makes them: downloaded and read back.
    await page.getByRole("button", { name: "Tạo tệp XLSX, CSV và ZIP ảnh" }).click();
    const link = page.getByRole("link", { name: /\.xlsx$/ });
    // Each file with its size, as the chat's answer gives it.
    expect(await link.locator("xpath=..").textContent()).toMatch(/\.xlsx \(\d+ KB\)$/);
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const rows = readXlsx(readFileSync((await download.path()) ?? ""));
    // The rows, then the export's seal and how to check it.
    expect(rows).toHaveLength(1 + 7 * 3 + 2);

    // The gallery: a real thumbnail, then the photo at full size.
    await page.getByRole("link", { name: "Ảnh minh chứng", exact: true }).click();
    const thumb = page.locator(".gallery img").first();
    await expect
      .poll(() =>
        thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(320);
    await page.screenshot({ path: join(ARTIFACTS, "gallery-desktop.png"), fullPage: true });
    await thumb.click();
    const full = page.locator(".viewer img");
    await expect
      .poll(() => full.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(320);
    expect(await page.getByText("lan gửi lúc").count()).toBe(1);

    // An announcement that failed for one chat, sent again.
    await page.getByRole("link", { name: "Thông báo", exact: true }).click();
    await page.getByRole("link", { name: /#1 .*Họp giao ban/ }).click();
    expect(await page.getByText("Lỗi — 403 Forbidden").count()).toBe(1);
    await page.getByRole("button", { name: "Gửi lại các tin lỗi" }).click();
    expect(await page.getByRole("status").textContent()).toContain("Đang gửi lại 1");
    expect(
      await h.t.app.deps.db.delivery.count({ where: { platformChatId: "lan", status: "PENDING" } }),
    ).toBe(1);
    await page.context().close();
  });

  it("signs in with a link a preview robot fetched first (GET, then HEAD)", async () => {
    const link = await h.linkFor(DEMO_LEAD);
    expect((await fetch(link)).status).toBe(200);
    expect((await fetch(link, { method: "HEAD" })).status).toBe(200);
    const context = await browser.newContext({ viewport: PHONE });
    context.setDefaultTimeout(5000);
    const page = await context.newPage();
    await page.goto(link);
    await page.screenshot({ path: join(ARTIFACTS, "sign-in-phone.png") });
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    await page.waitForURL(/\/web$/);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Tổng quan khối");
    // The link is used now: opening it again shows how to get a new one.
    const again = await context.newPage();
    const response = await again.goto(link);
    expect(response?.status()).toBe(410);
    await context.close();
  });

  it("shows an officer their unit only, readable on a phone", async () => {
    const invite = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: 4,
      role: "OFFICER",
      issuer: "operator",
    });
    await h.t.chat.as("hoa").send(`/join ${invite.code}`);
    const page = await open(await h.linkFor("hoa"));
    await page.waitForURL(/\/web\/units\/4$/);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(
      "Ban Tuyên giáo Tỉnh ủy",
    );
    expect(await page.getByRole("link", { name: "Thành viên" }).count()).toBe(0);
    // Nothing wider than the phone's screen.
    const width = await page.evaluate<number>("document.documentElement.scrollWidth");
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(ARTIFACTS, "unit-phone.png"), fullPage: true });
    const other = await page.goto(new URL("/web/units/1", page.url()).href);
    expect(other?.status()).toBe(403);
    const campaign = await page.goto(new URL("/web/campaigns/1", page.url()).href);
    expect(campaign?.status()).toBe(403);
    await page.context().close();
  });
});

describe("issuing an invite in Chromium at phone width", () => {
  it("gives the lead a code and its QR code that a new officer joins with, without sideways scrolling", async () => {
    const page = await open(await h.linkFor(DEMO_LEAD));
    await page.getByRole("link", { name: "Thành viên", exact: true }).click();
    await page.waitForURL(/\/web\/members$/);
    // The unit list's first choice is the longest line on the page.
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
      PHONE.width,
    );
    // Exact: the page also names each member's role and the bloc's units.
    await page
      .getByLabel("Đơn vị", { exact: true })
      .selectOption({ label: "Ban Nội chính Tỉnh ủy" });
    await page.getByLabel("Vai trò", { exact: true }).selectOption({ label: "Cán bộ" });
    await page.getByRole("button", { name: "Cấp mã", exact: true }).click();
    const code = await page.locator("[data-code]").getAttribute("data-code");
    expect(code).toMatch(/^[A-Z2-9-]{8,9}$/);
    const qr = page.getByRole("img", { name: `Mã QR để tham gia bằng mã ${code}` });
    expect(await qr.locator("svg").count()).toBe(1);
    expect(
      await qr.evaluate((el) => (el as unknown as { offsetWidth: number }).offsetWidth),
    ).toBeGreaterThan(100);
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page.screenshot({ path: join(ARTIFACTS, "invite-phone.png"), fullPage: true });
    await page.context().close();

    // The code from the page works in chat.
    expect(texts(await h.t.chat.as("minh").send(`/join ${code}`))).toContain(
      "Ban Nội chính Tỉnh ủy",
    );
  });
});

describe("reviewing in Chromium at phone width", () => {
  it("scores a report from the queue and shows the ranking without sideways scrolling", async () => {
    const campaignId = await openScoredCampaign(h.t.app, h.t.clock.now(), { closeDemo: false });
    // Three units report: tg is scored below, vp scores itself 100 % and is not
    // reviewed yet, tc is returned.
    for (const [who, unit, scores] of [
      ["tg", 2, ["8", "9"]],
      ["vp", 0, ["10", "10"]],
      ["tc", 1, ["9", "9"]],
    ] as const) {
      await h.t.chat.as(who).send(`/join ${h.invites[unit]?.code}`);
      for (const line of ["/baocao", "Công sở văn minh 2026", "1", "-", ...scores, "xong", "1"]) {
        await h.t.chat.as(who).send(line);
      }
    }
    const returned = await h.t.app.deps.db.report.findFirstOrThrow({ where: { unitId: 2 } });
    await h.t.app.services.review.returnReport(
      1,
      returned.id,
      returned.reviewVersion,
      1,
      "Thiếu ảnh",
    );
    const page = await open(await h.linkFor(DEMO_LEAD));
    await page.getByRole("link", { name: "Xét báo cáo" }).click();
    await page.getByRole("link", { name: /Ủy ban Kiểm tra Tỉnh ủy/ }).click();
    await page.getByLabel(/Trụ sở sạch đẹp/).fill("7,5");
    await page.getByLabel(/Cây xanh/).fill("9");
    await page.screenshot({ path: join(ARTIFACTS, "review-phone.png"), fullPage: true });
    await page.getByRole("button", { name: "Chấm điểm" }).click();
    expect(await page.getByRole("status").textContent()).toContain("82,5 % (16,5/20 điểm)");
    await page.goto(new URL(`/web/ranking/${campaignId}`, page.url()).href);
    // The reviewed unit ranks first, with its class and its review state in words;
    // the self-scored 100 % comes after it, said so; the page and the chat agree.
    const rows = page.locator("table.ranking tbody tr");
    const first = rows.first();
    expect(await first.getAttribute("data-unit")).toBe("Ủy ban Kiểm tra Tỉnh ủy");
    expect(await first.textContent()).toContain("Tốt");
    expect(await first.textContent()).toContain("đã thẩm định");
    const second = rows.nth(1);
    expect(await second.getAttribute("data-unit")).toBe("Văn phòng Tỉnh ủy");
    expect(await second.textContent()).toContain("chưa thẩm định (điểm tự chấm, chưa thẩm định)");
    expect(await rows.nth(2).getAttribute("data-state")).toBe("returned");
    expect(await page.locator('tr[data-state="none"]').count()).toBe(4);
    const pageOrder = await rows.evaluateAll((trs) =>
      trs.map((tr) => tr.getAttribute("data-unit")),
    );
    const chat = texts(await h.t.chat.as(DEMO_LEAD).send(`/xephang ${campaignId}`));
    const chatOrder = chat
      .split("\n")
      .filter((l) => /^(\d+\.|–) /.test(l))
      .map((l) => l.replace(/^(\d+\.|–) /, "").split(" — ")[0]);
    expect(chatOrder).toEqual(pageOrder);
    // Nothing may wait for review when the lead publishes.
    expect(await page.getByRole("button", { name: "Công bố kết quả" }).count()).toBe(0);
    expect(await page.getByText("Còn 1 đơn vị có báo cáo chờ xét").count()).toBe(1);
    const awaiting = await h.t.app.deps.db.report.findFirstOrThrow({ where: { unitId: 1 } });
    await h.t.app.services.review.approve(1, awaiting.id, awaiting.reviewVersion, 1);
    await page.reload();
    // The lead publishes from the page; the page says so and the button is gone.
    await page.getByRole("button", { name: "Công bố kết quả" }).click();
    expect(await page.getByRole("status").textContent()).toContain("Đã công bố kết quả");
    expect(await page.getByText(/Đã công bố kết quả lúc/).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Công bố kết quả" }).count()).toBe(0);
    const width = await page.evaluate<number>("document.documentElement.scrollWidth");
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(ARTIFACTS, "ranking-phone.png"), fullPage: true });
    await page.context().close();
  });
});
