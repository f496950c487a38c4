import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { edits, scenePhoto } from "../helpers/scenes.ts";
import { signInWithLink, startWebBot, type WebHarness } from "../helpers/webBot.ts";

/*
 * A recycled photo on the review page in Debian's Chromium at phone width: the lead
 * sees both photos side by side, loaded, without sideways scrolling. Screenshot in
 * test-artifacts/recycled-review-phone.png.
 */

const ARTIFACTS = join(import.meta.dirname, "../../test-artifacts");
const PHONE = { width: 360, height: 780 };

let browser: Browser;
let h: WebHarness;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
  h = await startWebBot();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("a recycled photo in Chromium", () => {
  it("shows the lead both photos side by side on the review page", async () => {
    await h.t.chat.as("to").send(`/join ${h.invites[1]?.code}`);
    await h.t.chat.as("tg").send(`/join ${h.invites[3]?.code}`);
    const original = await scenePhoto(61);
    await h.t.chat.as("to").sendFiles([{ bytes: original, fileName: "a.jpg" }], "#xanhsachdep");
    await h.t.chat
      .as("tg")
      .sendFiles([{ bytes: await edits.cropped(original), fileName: "b.jpg" }], "#xanhsachdep");
    const copy = await h.t.app.deps.db.evidence.findFirstOrThrow({ where: { unitId: 4 } });

    const context = await browser.newContext({ viewport: PHONE });
    context.setDefaultTimeout(5000);
    const page = await context.newPage();
    await signInWithLink(page, await h.linkFor(DEMO_LEAD));
    await page.goto(`${h.http.url}/web/reviews/${copy.reportId}`);
    const section = page.getByRole("region", { name: /Ảnh giống ảnh đã nộp trước đó/ });
    await section.scrollIntoViewIfNeeded();
    const images = section.getByRole("img");
    expect(await images.count()).toBe(2);
    await expect
      .poll(() =>
        images.evaluateAll((all) =>
          all.map((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
        ),
      )
      .toEqual([true, true]);
    // Side by side, even on a phone: both photos on one row.
    const tops = await images.evaluateAll((all) =>
      all.map((img) =>
        Math.round(
          (img as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect()
            .top,
        ),
      ),
    );
    expect(tops[0]).toBe(tops[1]);
    expect(await section.textContent()).toContain("Ban Tổ chức Tỉnh ủy");
    expect(await section.textContent()).toContain("Ban Tuyên giáo Tỉnh ủy");
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page.screenshot({ path: join(ARTIFACTS, "recycled-review-phone.png"), fullPage: true });
    await context.close();
  }, 60_000);
});
