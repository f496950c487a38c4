/*
 * The dashboard's server time: the campaign page (heatmap) at 100 units × 50
 * deadlines, the gallery at 5,000 photos, and thumbnails made per second. The pages
 * are requested over HTTP from the bot's own server with a signed-in cookie; each
 * figure is the median of 20 requests after 3 warm-ups.
 */
import { join } from "node:path";
import sharp from "sharp";
import { DAY } from "../../src/core/clock.ts";
import { startHttpServer } from "../../src/http/server.ts";
import { dashboardRoutes } from "../../src/web/routes.tsx";
import { benchApp, largeBloc, percentile } from "./common.ts";

const UNITS = 100;
const DEADLINES = 50;
const PHOTOS = 5000;

const { app, dir } = await benchApp();
const db = app.deps.db;
const bloc = await largeBloc(app, UNITS);
const lead = await db.member.create({
  data: { blocId: bloc.id, role: "LEAD", displayName: "Trưởng khối" },
});
const now = Date.now();
const campaign = await db.campaign.create({
  data: {
    blocId: bloc.id,
    title: "Cả năm",
    startsAt: new Date(now - 400 * DAY),
    endsAt: new Date(now + 400 * DAY),
    status: "ACTIVE",
    createdBy: "operator",
    deadlines: {
      create: Array.from({ length: DEADLINES }, (_, i) => ({
        dueAt: new Date(now + (i - 25) * 7 * DAY),
      })),
    },
  },
  include: { deadlines: true },
});
const units = await db.unit.findMany({ where: { blocId: bloc.id }, select: { id: true } });
// Four in five cells reported; the reports carry the 5,000 photos between them.
const reports: { unitId: number; deadlineId: number }[] = [];
for (const unit of units) {
  for (const deadline of campaign.deadlines) {
    if ((unit.id + deadline.id) % 5 !== 0)
      reports.push({ unitId: unit.id, deadlineId: deadline.id });
  }
}
await db.report.createMany({
  data: reports.map((r, i) => ({
    ...r,
    memberId: lead.id,
    status: ["DONE", "IN_PROGRESS", "NOT_STARTED"][i % 3] as string,
    late: i % 7 === 0,
    createdAt: new Date(now - (i % 30) * DAY),
  })),
});
const reportRows = await db.report.findMany({ select: { id: true, unitId: true } });
const image = await sharp({
  create: { width: 1280, height: 960, channels: 3, background: { r: 40, g: 120, b: 60 } },
})
  .jpeg({ quality: 80 })
  .toBuffer();
const stored = await app.services.evidenceStore.put(image, "jpg");
await db.evidence.createMany({
  data: Array.from({ length: PHOTOS }, (_, i) => {
    const report = reportRows[i % reportRows.length] as { id: number; unitId: number };
    return {
      reportId: report.id,
      unitId: report.unitId,
      memberId: lead.id,
      platform: "zalo",
      platformFileId: `p${i}`,
      sha256: i.toString(16).padStart(64, "0"),
      storageKey: stored.key,
      size: image.length,
      mimeType: "image/jpeg",
    };
  }),
});

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
): Promise<{ p50: number; p95: number; bytes: number }> {
  let bytes = 0;
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const started = performance.now();
    const response = await fetch(new URL(path, http.url), { headers: { cookie } });
    const body = await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
    if (i >= 3) times.push(performance.now() - started);
    bytes = body.byteLength;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), bytes };
}

const page = await timed(`/web/campaigns/${campaign.id}`);
console.log(
  JSON.stringify({
    bench: "dashboard-campaign-page",
    units: UNITS,
    deadlines: DEADLINES,
    p50Ms: Math.round(page.p50),
    p95Ms: Math.round(page.p95),
    kb: Math.round(page.bytes / 1024),
  }),
);
const gallery = await timed("/web/gallery");
console.log(
  JSON.stringify({
    bench: "dashboard-gallery",
    photos: PHOTOS,
    shown: 120,
    p50Ms: Math.round(gallery.p50),
    p95Ms: Math.round(gallery.p95),
    kb: Math.round(gallery.bytes / 1024),
  }),
);
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
