import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { edits, scenePhoto } from "../helpers/scenes.ts";
import { texts } from "../helpers/testApp.ts";
import { startWebBot, type WebClient, type WebHarness } from "../helpers/webBot.ts";

/*
 * Recycled photos in the dashboard: the review page and the gallery's viewer show each
 * flagged pair side by side (both units, both dates, the band) to the lead; a unit's
 * member opening their own photo sees no other unit's.
 */

let h: WebHarness;
beforeEach(async () => {
  h = await startWebBot();
});
afterEach(() => h.close());

const signedIn = async (speaker: string): Promise<WebClient> => {
  const browser = h.browser();
  expect((await browser.open(await h.linkFor(speaker))).status).toBe(303);
  return browser;
};

const file = async (name: string, bytes: Uint8Array) =>
  texts(await h.t.chat.as(name).sendFiles([{ bytes, fileName: "a.jpg" }], "#xanhsachdep"));

describe("recycled photos in the dashboard", () => {
  it("shows the lead both photos side by side on the review page and in the photo viewer", async () => {
    await h.t.chat.as("to").send(`/join ${h.invites[1]?.code}`);
    await h.t.chat.as("dan").send(`/join ${h.invites[4]?.code}`);
    const original = await scenePhoto(41);
    await file("to", original);
    expect(await file("dan", await edits.halfSize(original))).toContain("✅");
    const [first, copy] = await h.t.app.deps.db.evidence.findMany({ orderBy: { id: "asc" } });
    if (!first || !copy) throw new Error("two photos expected");

    const lead = await signedIn(DEMO_LEAD);
    const page = await (await lead.get(`/web/reviews/${copy.reportId}`)).text();
    expect(page).toContain("Ảnh giống ảnh đã nộp trước đó (1)");
    expect(page).toContain("cùng một ảnh");
    expect(page).toMatch(/lệch \d\/64/);
    // Both photos, side by side, with their units.
    expect(page).toContain(`/web/photos/${copy.sha256}/thumb`);
    expect(page).toContain(`/web/photos/${first.sha256}/thumb`);
    expect(page).toContain("Ban Dân vận Tỉnh ủy");
    expect(page).toContain("Ban Tổ chức Tỉnh ủy");
    expect(page).toContain("gửi 09:00 02/03/2026");
    // The first report has no flag of its own.
    const firstPage = await (await lead.get(`/web/reviews/${first.reportId}`)).text();
    expect(firstPage).not.toContain("Ảnh giống ảnh đã nộp trước đó");

    // The viewer of either photo shows the pair.
    const viewer = await (await lead.get(`/web/photos/${first.sha256}`)).text();
    expect(viewer).toContain("Ảnh giống ảnh đã nộp trước đó (1)");
    expect(viewer).toContain(`/web/photos/${copy.sha256}/thumb`);

    // Ban Dân vận's focal point opens their own photo: no word of the other unit.
    const own = await (await (await signedIn("dan")).get(`/web/photos/${copy.sha256}`)).text();
    expect(own).toContain(`/web/photos/${copy.sha256}/full`);
    expect(own).not.toContain("Ban Tổ chức Tỉnh ủy");
    expect(own).not.toContain("Ảnh giống");
  }, 60_000);
});
