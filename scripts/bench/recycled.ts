/*
 * Recycled photos at 100,000: a bloc holding 100,000 fingerprinted photos, then new
 * photos filed as quick reports through ReportService (the report's transaction, its
 * photo and the flags), each after the index's refresh, as the intake does. Figures:
 * the index's first read, the lookup alone and the whole flagging per photo (p50, p99),
 * the index's memory; on SQLite, and on PostgreSQL when one answers.
 */
import { randomBytes } from "node:crypto";
import { DAY } from "../../src/core/clock.ts";
import { insertRows } from "../../src/db/insertRows.ts";
import { fingerprintOf } from "../../src/features/evidence/fingerprint.ts";
import { fingerprintIndex } from "../../src/features/evidence/fingerprintIndex.ts";
import { benchApp, benchPostgres, largeBloc, percentile, report } from "./common.ts";

const PHOTOS = Number(process.argv[2] ?? 100_000);
const UNITS = 100;
const NEW_PHOTOS = 200;

/** A random photo's fingerprint: random 32 × 32 greyscale pixels, smoothed a little. */
function randomPrint() {
  const grey = randomBytes(32 * 32);
  return fingerprintOf(grey);
}

const hex = () => randomBytes(8).toString("hex");

async function run(provider: string, env: Record<string, string>) {
  const { app } = await benchApp(undefined, env);
  const db = app.deps.db;
  const bloc = await largeBloc(app, UNITS);
  const now = Date.now();
  const campaign = await db.campaign.create({
    data: {
      blocId: bloc.id,
      title: "Ảnh minh chứng",
      startsAt: new Date(now - DAY),
      endsAt: new Date(now + 60 * DAY),
      status: "ACTIVE",
      createdBy: "operator",
      deadlines: { create: [{ dueAt: new Date(now - DAY / 2) }, { dueAt: new Date(now + DAY) }] },
    },
    include: { deadlines: true },
  });
  const [past, open] = campaign.deadlines;
  if (!past || !open) throw new Error("no deadlines");
  const units = await db.unit.findMany({ where: { blocId: bloc.id }, select: { id: true } });
  const members = [];
  for (const unit of units) {
    members.push(
      await db.member.create({
        data: { blocId: bloc.id, unitId: unit.id, role: "FOCAL", displayName: "cb" },
      }),
    );
  }
  const reports: { id: number; unitId: number; memberId: number }[] = [];
  for (const member of members) {
    reports.push(
      await db.report.create({
        data: {
          unitId: member.unitId as number,
          deadlineId: past.id,
          memberId: member.id,
          status: "DONE",
        },
      }),
    );
  }
  const seeded = performance.now();
  const rows = Array.from({ length: PHOTOS }, (_, i) => {
    const r = reports[i % reports.length];
    return {
      reportId: r?.id,
      unitId: r?.unitId,
      memberId: r?.memberId,
      platform: "telegram",
      platformFileId: `f${i}`,
      sha256: `${hex()}${hex()}${hex()}${hex()}`,
      storageKey: `k${i}`,
      size: 1000,
      mimeType: "image/jpeg",
      phash: hex(),
      phashMirror: hex(),
      dhash: hex(),
      phashFlat: false,
      receivedAt: new Date(now - DAY),
    };
  });
  const columns = Object.keys(rows[0] ?? {}) as (keyof (typeof rows)[number])[];
  for (let i = 0; i < rows.length; i += 5000) {
    await insertRows(db, "Evidence", columns, rows.slice(i, i + 5000));
  }
  const seedMs = performance.now() - seeded;

  const index = fingerprintIndex(db);
  const loadStarted = performance.now();
  await index.refresh();
  const firstReadMs = performance.now() - loadStarted;

  const lookups: number[] = [];
  const flagging: number[] = [];
  const filing: number[] = [];
  let flags = 0;
  for (let i = 0; i < NEW_PHOTOS; i++) {
    const member = members[i % members.length];
    // Every fourth photo is a copy of a stored one: the flags are written too.
    const copy = i % 4 === 0 ? rows[(i * 7919) % rows.length] : null;
    const print = copy
      ? {
          phash: copy.phash,
          phashMirror: copy.phashMirror,
          dhash: copy.dhash,
          dhashMirror: hex(),
          flat: false,
        }
      : randomPrint();
    const started = performance.now();
    await index.refresh();
    const lookupStarted = performance.now();
    flags += index.similar(bloc.id, print).length;
    const looked = performance.now();
    lookups.push(looked - lookupStarted);
    flagging.push(looked - started);
    await app.services.reports.addEvidence({
      unitId: member?.unitId as number,
      deadlineId: open.id,
      memberId: member?.id as number,
      platform: "telegram",
      photos: [
        {
          platformFileId: `n${i}`,
          sha256: `${hex()}${hex()}${hex()}${hex()}`,
          storageKey: `n${i}`,
          size: 1000,
          mimeType: "image/jpeg",
          forwarded: null,
          sentAsFile: false,
          exifTakenAt: null,
          exifLat: null,
          exifLon: null,
          width: 800,
          height: 600,
          fingerprint: print,
        },
      ],
    });
    filing.push(performance.now() - started);
  }
  filing.sort((a, b) => a - b);
  lookups.sort((a, b) => a - b);
  flagging.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  report("recycled", {
    provider,
    photos: PHOTOS,
    seedMs: Math.round(seedMs),
    firstReadMs: Math.round(firstReadMs),
    indexMb: round(index.bytes() / 1024 / 1024),
    lookupP50Ms: round(percentile(lookups, 50)),
    lookupP99Ms: round(percentile(lookups, 99)),
    refreshAndLookupP50Ms: round(percentile(flagging, 50)),
    refreshAndLookupP99Ms: round(percentile(flagging, 99)),
    quickReportWithFlagsP50Ms: round(percentile(filing, 50)),
    quickReportWithFlagsP99Ms: round(percentile(filing, 99)),
    flaggedPerPhoto: Math.round((flags / NEW_PHOTOS) * 100) / 100,
    flagsWritten: await db.evidenceMatch.count(),
  });
  await db.$disconnect();
}

await run("sqlite", {});
const postgres = await benchPostgres();
if (postgres) {
  try {
    await run("postgresql", { DATABASE_URL: postgres.url });
  } finally {
    await postgres.drop();
  }
}
