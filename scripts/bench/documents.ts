/*
 * The tổng kết pack of a large bloc: `UNITS` units (300 by default, the argument
 * changes it), a scored campaign with two deadlines and a photo on each reviewed
 * report; the time to make all the documents (DOCX and PDF of each) and the peak
 * resident memory while they are made.
 */
import { statSync } from "node:fs";
import { seedScoredReports } from "../../test/helpers/documentsBloc.ts";
import { benchApp, largeBloc, report, withPeakRss } from "./common.ts";

const UNITS = Number(process.argv[2] ?? 300);

const { app } = await benchApp();
const bloc = await largeBloc(app, UNITS);
await app.deps.db.member.create({
  data: { blocId: bloc.id, role: "LEAD", displayName: "Trưởng khối" },
});
const { campaignId } = await seedScoredReports(app, bloc.id, new Date(), { photos: 1 });
const period = { kind: "campaign", campaignId } as const;
const vi = app.translator.for("vi");
const started = performance.now();
const { result: pack, peakRssMb } = await withPeakRss(() =>
  app.services.documents.build(bloc.id, period, vi),
);
const ms = Math.round(performance.now() - started);
const again = performance.now();
await app.services.documents.build(bloc.id, period, vi);
report("documents", {
  units: UNITS,
  documents: pack.documents.length,
  firstPackMs: ms,
  secondPackMs: Math.round(performance.now() - again),
  peakRssMb,
  scoreTablePdfKb: Math.round(statSync(pack.documents[0]?.pdf.path ?? "").size / 1024),
  scoreTableDocxKb: Math.round(statSync(pack.documents[0]?.docx.path ?? "").size / 1024),
});
await app.deps.db.$disconnect();
