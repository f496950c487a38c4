/*
 * The dashboard's server time, end to end over HTTP from the bot's own server with a
 * signed-in cookie: the campaign page (heatmap) at 100 units × 1,000 deadlines, the
 * gallery and the review pages at 100,000 photos (one report holding 20,000 of them),
 * and thumbnails made per second. Each figure is the median of 20 requests after 3
 * warm-ups, with its size and the machine's load average (os.loadavg) at the time.
 * `--small` runs the earlier case (100 × 50, 5,000 photos) for comparison.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { DAY } from "../../src/core/clock.ts";
import { startHttpServer } from "../../src/http/server.ts";
import { dashboardRoutes } from "../../src/web/routes.tsx";
import { benchApp, largeBloc, percentile } from "./common.ts";

const small = process.argv.includes("--small");
const UNITS = 100;
const DEADLINES = small ? 50 : 1000;
const PHOTOS = small ? 5000 : 100_000;
/** Photos of the one report the review page is measured on. */
const HEAVY_REPORT_PHOTOS = small ? 500 : 20_000;
const CHUNK = 5000;

const { app, dir } = await benchApp();
const db = app.deps.db;
const bloc = await largeBloc(app, UNITS);
const lead = await db.member.create({
  data: { blocId: bloc.id, role: "LEAD", displayName: "Trưởng khối" },
});
const now = Date.now();
// Weekly deadlines, the current one in the middle of the campaign.
const campaign = await db.campaign.create({
  data: {
    blocId: bloc.id,
    title: "Cả năm",
    startsAt: new Date(now - (DEADLINES / 2 + 1) * 7 * DAY),
    endsAt: new Date(now + (DEADLINES / 2 + 1) * 7 * DAY),
    status: "ACTIVE",
    createdBy: "operator",
    deadlines: {
      create: Array.from({ length: DEADLINES }, (_, i) => ({
        dueAt: new Date(now + (i - DEADLINES / 2) * 7 * DAY + DAY),
      })),
    },
  },
  include: { deadlines: true },
});
const units = await db.unit.findMany({ where: { blocId: bloc.id }, select: { id: true } });
// Four in five cells reported; the reports carry the photos between them.
const reports: { unitId: number; deadlineId: number }[] = [];
for (const unit of units) {
  for (const deadline of campaign.deadlines) {
    if ((unit.id + deadline.id) % 5 !== 0)
      reports.push({ unitId: unit.id, deadlineId: deadline.id });
  }
}
for (let i = 0; i < reports.length; i += CHUNK) {
  await db.report.createMany({
    data: reports.slice(i, i + CHUNK).map((r, j) => ({
      ...r,
      memberId: lead.id,
      status: ["DONE", "IN_PROGRESS", "NOT_STARTED"][(i + j) % 3] as string,
      late: (i + j) % 7 === 0,
      createdAt: new Date(now - ((i + j) % 30) * DAY),
    })),
  });
}
const reportRows = await db.report.findMany({
  select: { id: true, unitId: true },
  orderBy: { id: "asc" },
});
const heavy = reportRows[0] as { id: number; unitId: number };
const image = await sharp({
  create: { width: 1280, height: 960, channels: 3, background: { r: 40, g: 120, b: 60 } },
})
  .jpeg({ quality: 80 })
  .toBuffer();
const stored = await app.services.evidenceStore.put(image, "jpg");
for (let i = 0; i < PHOTOS; i += CHUNK) {
  await db.evidence.createMany({
    data: Array.from({ length: Math.min(CHUNK, PHOTOS - i) }, (_, j) => {
      const n = i + j;
      const report =
        n < HEAVY_REPORT_PHOTOS
          ? heavy
          : (reportRows[n % reportRows.length] as { id: number; unitId: number });
      return {
        reportId: report.id,
        unitId: report.unitId,
        memberId: lead.id,
        platform: "zalo",
        platformFileId: `p${n}`,
        sha256: n.toString(16).padStart(64, "0"),
        storageKey: stored.key,
        size: image.length,
        mimeType: "image/jpeg",
      };
    }),
  });
}

const http = await startHttpServer({
  port: 0,
  host: "127.0.0.1",
  adapters: [],
  receive: async () => "ignored",
  health: () => app.healthReport(),
  routes: dashboardRoutes({
    services: app.services,
    db,
    translator: app.translator,
    clock: app.deps.clock,
    dataDir: dir,
    secureCookies: false,
    telegramUsername: () => "",
  }),
  logger: app.deps.logger,
});
app.useLocalAddress(http.url);
const link = await app.services.webAccess.issueLoginLink(lead.id);
// The link's page shows a button; pressing it (a POST with the page's token) signs in.
const signInPage = await fetch(link.url, { redirect: "manual" });
const buttonCookie = (signInPage.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
const token = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1] ?? "";
const login = await fetch(link.url, {
  method: "POST",
  headers: {
    cookie: buttonCookie,
    origin: new URL(link.url).origin,
    "content-type": "application/x-www-form-urlencoded",
  },
  body: new URLSearchParams({ _csrf: token }).toString(),
  redirect: "manual",
});
const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

async function timed(
  path: string,
  runs = 20,
): Promise<{ p50: number; p95: number; bytes: number; body: string }> {
  let bytes = 0;
  let text = "";
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const started = performance.now();
    const response = await fetch(new URL(path, http.url), { headers: { cookie } });
    const body = await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
    if (i >= 3) times.push(performance.now() - started);
    bytes = body.byteLength;
    if (i === 0) text = new TextDecoder().decode(body);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), bytes, body: text };
}

/** One line per page: its median and 95th percentile, its size, and the load average. */
async function measure(bench: string, path: string, figures: Record<string, unknown>) {
  const page = await timed(path);
  console.log(
    JSON.stringify({
      bench,
      path,
      ...figures,
      p50Ms: Math.round(page.p50),
      p95Ms: Math.round(page.p95),
      kb: Math.round(page.bytes / 1024),
      load: loadavg().map((x) => Math.round(x * 100) / 100),
    }),
  );
  return page.body;
}

const campaignPage = await measure("dashboard-campaign-page", `/web/campaigns/${campaign.id}`, {
  units: UNITS,
  deadlines: DEADLINES,
});
// The oldest deadlines, reached by the page's own link (absent before the pages were paged).
const oldest = /href="(\/web\/campaigns\/\d+\?page=1)"/.exec(campaignPage)?.[1];
if (oldest)
  await measure("dashboard-campaign-oldest", oldest, { units: UNITS, deadlines: DEADLINES });
const gallery = await measure("dashboard-gallery", "/web/gallery", { photos: PHOTOS });
// The oldest photos: the last page, by the gallery's own links.
let older = /href="([^"]*)"[^>]*>[^<]*(?:Cũ hơn|Older)/
  .exec(gallery)?.[1]
  ?.replaceAll("&amp;", "&");
let deepest = older;
for (let hops = 0; older && hops < 3; hops++) {
  const next = await timed(older, 0);
  deepest = older;
  older = /href="([^"]*)"[^>]*>[^<]*(?:Cũ hơn|Older)/
    .exec(next.body)?.[1]
    ?.replaceAll("&amp;", "&");
}
// The oldest page: by page number before the gallery paged by cursor, else the
// page before the 121st photo (the same 120 photos).
const firstPhoto = await db.evidence.findFirst({ orderBy: { id: "asc" }, select: { id: true } });
await measure(
  "dashboard-gallery-last",
  gallery.includes("page=2")
    ? `/web/gallery?page=${Math.ceil(PHOTOS / 120)}`
    : `/web/gallery?before=${(firstPhoto?.id ?? 0) + 120}`,
  { photos: PHOTOS },
);
if (deepest) await measure("dashboard-gallery-fourth", deepest, { photos: PHOTOS });
await measure("dashboard-review-queue", "/web/reviews", { reports: reportRows.length });
const reviewPage = await measure("dashboard-review-report", `/web/reviews/${heavy.id}`, {
  reportPhotos: HEAVY_REPORT_PHOTOS,
});
// The report's last photos, by cursor (absent before the review page paged).
if (reviewPage.includes("?after=")) {
  const last = await db.evidence.findMany({
    where: { reportId: heavy.id },
    orderBy: { id: "desc" },
    take: 2,
    select: { id: true },
  });
  await measure("dashboard-review-report-last", `/web/reviews/${heavy.id}?after=${last[1]?.id}`, {
    reportPhotos: HEAVY_REPORT_PHOTOS,
  });
}
// Thumbnails: each photo's first request makes it (1280×960 JPEG → 360 px WebP).
const distinct = 40;
const thumbs = await Promise.all(
  Array.from({ length: distinct }, async (_, i) => {
    const bytes = await sharp({
      create: { width: 1280, height: 960, channels: 3, background: { r: i * 5, g: 90, b: 140 } },
    })
      .jpeg()
      .toBuffer();
    return app.services.evidenceStore.put(bytes, "jpg");
  }),
);
const evidence = await db.evidence.findMany({ take: distinct, select: { id: true } });
await Promise.all(
  evidence.map((e, i) =>
    db.evidence.update({
      where: { id: e.id },
      data: { storageKey: thumbs[i]?.key ?? "", sha256: `f${i.toString(16).padStart(63, "0")}` },
    }),
  ),
);
const started = performance.now();
for (let i = 0; i < distinct; i++) {
  const response = await fetch(
    new URL(`/web/photos/f${i.toString(16).padStart(63, "0")}/thumb`, http.url),
    { headers: { cookie } },
  );
  if (response.status !== 200) throw new Error(`thumb: HTTP ${response.status}`);
  await response.arrayBuffer();
}
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    bench: "dashboard-thumbnails",
    made: distinct,
    perSecond: Math.round(distinct / seconds),
    cachedDir: join(dir, "thumbs"),
  }),
);
await http.close();
await db.$disconnect();
