import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { pdfText } from "../helpers/documentReaders.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { startWebBot, type WebHarness } from "../helpers/webBot.ts";

/* The dashboard's downloads of the tổng kết pack: the lead's only, the same files as /tongket. */

let h: WebHarness;
beforeEach(async () => {
  h = await startWebBot();
  await openScoredCampaign(h.t.app, h.t.clock.now(), { closeDemo: false });
});
afterEach(() => h.close());

describe("/web/documents", () => {
  it("lists the periods, makes the pack and serves each file through its signed link", async () => {
    const browser = h.browser();
    expect((await browser.open(await h.linkFor(DEMO_LEAD))).status).toBe(303);
    const page = await (await browser.get("/web/documents")).text();
    expect(page).toContain("Tổng kết năm 2026");
    expect(page).toContain('name="period" value="2026"');
    const csrf = browser.csrf(page);

    const bad = await browser.post("/web/documents", { _csrf: csrf, period: "năm ngoái" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Không hiểu kỳ “năm ngoái”");

    const made = await (
      await browser.post("/web/documents", { _csrf: csrf, period: "2026" })
    ).text();
    expect(made).toContain("Bộ văn bản đã lập");
    expect(made).toContain("Tờ trình đề nghị khen thưởng chưa lập được");
    const pdfLink = /href="([^"]+)" download="tongket-2026-2-bien-ban-binh-xet\.pdf"/.exec(
      made,
    )?.[1];
    expect(pdfLink).toBeDefined();
    const file = await fetch(new URL((pdfLink ?? "").replace(/&amp;/g, "&"), h.http.url));
    expect(file.status).toBe(200);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const path = join(h.t.dir, "downloaded.pdf");
    writeFileSync(path, bytes);
    expect(pdfText(path)).toContain("BIÊN BẢN HỌP BÌNH XÉT, SUY TÔN");
  });

  it("refuses a unit's member, whatever they post", async () => {
    await h.t.chat.as("lan").send(`/join ${h.invites[3]?.code}`);
    const browser = h.browser();
    expect((await browser.open(await h.linkFor("lan"))).status).toBe(303);
    expect((await browser.get("/web/documents")).status).toBe(403);
    const home = await (await browser.get("/web")).text();
    const csrf = browser.csrf(home);
    expect((await browser.post("/web/documents", { _csrf: csrf, period: "2026" })).status).toBe(
      403,
    );
    // Nothing was made.
    expect(existsSync(join(h.t.dir, "exports"))).toBe(false);
  });
});
