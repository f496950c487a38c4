/*
 * The year-end export of a large bloc: 5,000 units × 3 deadlines and 1 GB of photos
 * (2,000 × 512 KB), built to files. The data is prepared here; the export runs in a
 * fresh process (scripts/bench/exportRun.ts), which prints the time and how much its
 * resident memory grew above where it stood before the export (goal ≤ 50 MB).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { DAY } from "../../src/core/clock.ts";
import { benchApp, largeBloc } from "./common.ts";

const UNITS = 5000;
const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 2000);
const PHOTO_BYTES = Number(process.env.BENCH_PHOTO_BYTES ?? 512 * 1024);

const { app, dir } = await benchApp();
const db = app.deps.db;
const bloc = await largeBloc(app, UNITS);
const member = await db.member.create({
  data: { blocId: bloc.id, role: "LEAD", displayName: "Trưởng khối" },
});
const now = Date.now();
const campaign = await db.campaign.create({
  data: {
    blocId: bloc.id,
    title: "Tổng kết năm",
    startsAt: new Date(now - DAY),
    endsAt: new Date(now + 90 * DAY),
    status: "ACTIVE",
    createdBy: "operator",
    deadlines: { create: [1, 2, 3].map((m) => ({ dueAt: new Date(now + m * 30 * DAY) })) },
  },
  include: { deadlines: true },
});
const units = await db.unit.findMany({ where: { blocId: bloc.id }, select: { id: true } });
for (const deadline of campaign.deadlines) {
  await db.report.createMany({
    data: units.map((u) => ({
      unitId: u.id,
      deadlineId: deadline.id,
      memberId: member.id,
      status: "DONE",
      note: "Đã hoàn thành tổng vệ sinh",
    })),
  });
}
const reports = await db.report.findMany({ select: { id: true, unitId: true }, take: PHOTOS });
for (const [i, report] of reports.entries()) {
  const { key, sha256 } = await app.services.evidenceStore.put(randomBytes(PHOTO_BYTES), "jpg");
  await db.evidence.create({
    data: {
      reportId: report.id,
      unitId: report.unitId,
      memberId: member.id,
      platform: "console",
      platformFileId: `p${i}`,
      sha256,
      storageKey: key,
      size: PHOTO_BYTES,
      mimeType: "image/jpeg",
    },
  });
}
await db.$disconnect();
const out = execFileSync(
  process.execPath,
  ["--expose-gc", "--import", "tsx", "scripts/bench/exportRun.ts", dir, String(campaign.id)],
  { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
const figures = JSON.parse(out.trim().split("\n").at(-1) ?? "{}");
console.log(
  JSON.stringify({
    bench: "export",
    units: UNITS,
    deadlines: 3,
    photoMb: Math.round((PHOTOS * PHOTO_BYTES) / 1024 / 1024),
    ...figures,
    load: loadavg().map((x) => Math.round(x * 100) / 100),
  }),
);
rmSync(dir, { recursive: true, force: true });
