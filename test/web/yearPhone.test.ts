import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { signInWithLink, startWebBot, type WebHarness } from "../helpers/webBot.ts";

/* The year page and the documents page as a lead meets them on a phone, in Chromium. */

const ARTIFACTS = join(import.meta.dirname, "../../test-artifacts");
const PHONE = { width: 360, height: 780 };

let h: WebHarness;
let browser: Browser;
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
}, 30_000);
afterAll(() => browser?.close());
beforeEach(async () => {
  h = await startWebBot();
});
afterEach(() => h.close());

describe("the year on a phone", () => {
  it("shows the year page and reaches the documents without sideways scrolling", {
    timeout: 30_000,
  }, async () => {
    const context = await browser.newContext({ viewport: PHONE });
    context.setDefaultTimeout(5000);
    const page = await context.newPage();
    await signInWithLink(page, await h.linkFor(DEMO_LEAD));
    await page.goto(new URL("/web/year", h.http.url).toString());
    await expect(page.getByRole("heading", { name: "Đăng ký thi đua" }).count()).resolves.toBe(1);
    const width = () => page.evaluate<number>("document.documentElement.scrollWidth");
    expect(await width()).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(ARTIFACTS, "year-phone.png"), fullPage: true });
    await page.getByRole("link", { name: /Lập văn bản tổng kết/ }).click();
    await page.waitForURL(/\/web\/documents$/);
    expect(await width()).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(ARTIFACTS, "documents-phone.png"), fullPage: true });
  });
});
