import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { startWebBot, type WebClient, type WebHarness } from "../helpers/webBot.ts";

/*
 * Long campaigns and many photos come a page at a time: the lead opens the campaign
 * on its current deadlines and reaches every other one by the page's links, the
 * gallery and a report under review likewise by their links, and an address with a
 * bad page answers a page (the current or newest, or the last) and changes nothing.
 */

const DEADLINES = 30;
const PHOTOS = 250;
const REPORT_PHOTOS = 130;

let h: WebHarness;
let lead: WebClient;
let campaignId = 0;
let reportId = 0;
let deadlineDates: string[] = [];

const body = async (path: string) => {
  const response = await lead.get(path);
  expect(response.status, path).toBe(200);
  return response.text();
};
const link = (html: string, label: RegExp) => {
  const anchors = [...html.matchAll(/<a href="([^"]+)"[^>]*>([^<]*)<\/a>/g)];
  return anchors.find(([, , text]) => label.test(text ?? ""))?.[1]?.replaceAll("&amp;", "&");
};
/** The heatmap's column heads: one per deadline shown. */
const columns = (html: string) =>
  [
    ...(/<thead>([\s\S]*?)<\/thead>/.exec(html)?.[1] ?? "").matchAll(
      /<th scope="col">([^<]+)<\/th>/g,
    ),
  ]
    .map(([, text]) => text ?? "")
    .slice(1);
const photosOn = (html: string) =>
  [...html.matchAll(/\/web\/photos\/([0-9a-f]{64})\/thumb/g)].map(([, sha]) => sha ?? "");

beforeAll(async () => {
  h = await startWebBot();
  const db = h.t.app.deps.db;
  const leadRow = await db.member.findFirstOrThrow({ where: { role: "LEAD" } });
  const now = h.t.clock.now().getTime();
  // Weekly deadlines, the twentieth the next one due.
  const campaign = await db.campaign.create({
    data: {
      blocId: leadRow.blocId,
      title: "Cả năm dài",
      startsAt: new Date(now - 30 * 7 * DAY),
      endsAt: new Date(now + 30 * 7 * DAY),
      status: "ACTIVE",
      createdBy: "operator",
      deadlines: {
        create: Array.from({ length: DEADLINES }, (_, i) => ({
          dueAt: new Date(now + (i - 19) * 7 * DAY + DAY),
        })),
      },
    },
    include: { deadlines: { orderBy: { dueAt: "asc" } } },
  });
  campaignId = campaign.id;
  const unit = await db.unit.findFirstOrThrow({ where: { blocId: leadRow.blocId } });
  const reports: { id: number }[] = [];
  for (const deadline of campaign.deadlines) {
    reports.push(
      await db.report.create({
        data: { unitId: unit.id, deadlineId: deadline.id, memberId: leadRow.id, status: "DONE" },
      }),
    );
  }
  const heavy = reports[0];
  if (!heavy) throw new Error("no report");
  reportId = heavy.id;
  await db.evidence.createMany({
    data: Array.from({ length: PHOTOS }, (_, i) => ({
      reportId:
        i < REPORT_PHOTOS ? heavy.id : (reports[1 + (i % (reports.length - 1))]?.id ?? heavy.id),
      unitId: unit.id,
      memberId: leadRow.id,
      platform: "zalo",
      platformFileId: `p${i}`,
      sha256: (i + 1).toString(16).padStart(64, "0"),
      storageKey: "missing",
      size: 1,
      mimeType: "image/jpeg",
    })),
  });
  lead = h.browser();
  expect((await lead.open(await h.linkFor(DEMO_LEAD))).status).toBe(303);
  const all = await body(`/web/campaigns/${campaignId}?page=1`);
  deadlineDates = columns(all);
}, 60_000);
afterAll(() => h.close());

describe("a campaign of 30 deadlines", () => {
  it("opens on the page of the current deadline and reaches every deadline by its links, each once", async () => {
    const opening = await body(`/web/campaigns/${campaignId}`);
    expect(opening).toContain("Hạn 13–24 trong 30 hạn (trang 2/3)");
    expect(columns(opening)).toHaveLength(12);
    // The deadlines still missing are the current one's, whichever page is shown.
    expect(opening).toContain("Nhắc ngay");

    const seen: string[] = [];
    let page: string | undefined = opening;
    // Back to the first page, then forward to the last, by the page's own links.
    while (page) {
      const earlier = link(page, /Các hạn trước/);
      if (!earlier) break;
      page = await body(earlier);
    }
    expect(page).toContain("Hạn 1–12 trong 30 hạn");
    expect(link(page ?? "", /Các hạn trước/)).toBeUndefined();
    while (page) {
      seen.push(...columns(page));
      const later = link(page, /Các hạn sau/);
      page = later ? await body(later) : undefined;
    }
    expect(seen).toHaveLength(DEADLINES);
    expect(new Set(seen).size).toBe(DEADLINES);
    // From another page, one link back to the current deadlines.
    const first = await body(`/web/campaigns/${campaignId}?page=1`);
    expect(link(first, /Hạn hiện tại/)).toBe(`/web/campaigns/${campaignId}?page=2`);
  });

  it("answers a bad page with the current page, a page past the end with the last, and changes nothing", async () => {
    const db = h.t.app.deps.db;
    const before = await db.report.count();
    const current = columns(await body(`/web/campaigns/${campaignId}`));
    for (const bad of ["-1", "0", "abc", "1.5", "", "%00"]) {
      expect(columns(await body(`/web/campaigns/${campaignId}?page=${bad}`)), bad).toEqual(current);
    }
    const last = await body(`/web/campaigns/${campaignId}?page=99999999999999999999`);
    expect(last).toContain("Hạn 25–30 trong 30 hạn (trang 3/3)");
    expect(await db.report.count()).toBe(before);
    expect(deadlineDates).toHaveLength(12);
  });
});

describe("the gallery at 250 photos", () => {
  it("shows 120 at a time, newest first, and every photo once across its pages", async () => {
    let page: string | undefined = await body("/web/gallery");
    expect(page).toContain(`${PHOTOS} ảnh`);
    const seen: string[] = [];
    const pages: string[] = [];
    while (page) {
      pages.push(page);
      seen.push(...photosOn(page));
      const older = link(page, /Cũ hơn/);
      page = older ? await body(older) : undefined;
    }
    expect(pages).toHaveLength(3);
    expect(seen).toHaveLength(PHOTOS);
    expect(new Set(seen).size).toBe(PHOTOS);
    expect(seen[0]).toBe(PHOTOS.toString(16).padStart(64, "0"));
    // And back: the newer link from the last page shows the middle page again.
    const newer = link(pages[2] ?? "", /Mới hơn/);
    expect(photosOn(await body(newer ?? ""))).toEqual(photosOn(pages[1] ?? ""));
  });

  it("answers a bad or exhausted cursor with the newest photos", async () => {
    const newest = photosOn(await body("/web/gallery"));
    for (const bad of ["before=-5", "before=abc", "after=99999999", "before=1", "page=7"]) {
      expect(photosOn(await body(`/web/gallery?${bad}`)), bad).toEqual(newest);
    }
  });
});

describe("a report of 130 photos under review", () => {
  it("shows 60 at a time and reaches every photo by the next link", async () => {
    let page: string | undefined = await body(`/web/reviews/${reportId}`);
    expect(page).toContain(`${REPORT_PHOTOS} ảnh minh chứng`);
    const seen: string[] = [];
    while (page) {
      seen.push(...photosOn(page).filter((sha) => !seen.includes(sha)));
      const next = link(page, /Ảnh tiếp theo/);
      page = next ? await body(next) : undefined;
    }
    expect(seen).toHaveLength(REPORT_PHOTOS);
  });

  it("answers a bad cursor with the first photos", async () => {
    const first = photosOn(await body(`/web/reviews/${reportId}`));
    expect(first).toHaveLength(60);
    for (const bad of ["after=-1", "after=x", "after=99999999"]) {
      expect(photosOn(await body(`/web/reviews/${reportId}?${bad}`)), bad).toEqual(first);
    }
  });
});
