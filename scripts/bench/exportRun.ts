/* The export alone, in its own process: usage exportRun.ts <dataDir> <campaignId>. */
import { join } from "node:path";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { systemClock } from "../../src/core/clock.ts";
import { openDatabase } from "../../src/db/client.ts";
import { PHONE_DOCUMENT_BYTES, sized } from "../../src/features/export/folder.ts";
import { createLogger } from "../../src/logger.ts";
import { withPeakRss } from "./common.ts";

const [dir = "", campaignId = "0"] = process.argv.slice(2);
const file = join(dir, "bench.db");
const config = loadConfig({ DATABASE_URL: `file:${file}`, DATA_DIR: dir, LOG_LEVEL: "silent" });
const db = await openDatabase(config.database);
const app = createApp({ db, config, clock: systemClock, logger: createLogger("silent") });
const summary = await app.services.campaigns.findAnyBloc(Number(campaignId));
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** One export, measured from a collected heap: seconds and RSS growth above the start. */
async function measured() {
  gc();
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const { result, peakRssMb } = await withPeakRss(() =>
    app.services.exports.build(summary, "Asia/Ho_Chi_Minh", app.translator.for("vi")),
  );
  return {
    result,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    rssBeforeMb: Math.round(before / 1024 / 1024),
    rssGrowthMb: Math.round(peakRssMb - before / 1024 / 1024),
  };
}

// The first export in a process also loads and compiles the writers; the second is
// what a running bot pays for each further export.
const cold = await measured();
const warm = await measured();
// What the lead's chat answer carries: every file as a link with its size; a button
// only for those a phone takes (≤ 20 MB); nothing pushed into the chat unasked
// (before the links-first change, every file was uploaded as a document at once).
const files = sized(cold.result.files);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const offered = files.filter((f) => f.bytes <= PHONE_DOCUMENT_BYTES);
console.log(
  JSON.stringify({
    rows: cold.result.rows,
    photos: cold.result.photos,
    files: cold.result.files.length,
    zipParts: files.filter((f) => f.file.fileName.endsWith(".zip")).length,
    totalMb: mb(files.reduce((sum, f) => sum + f.bytes, 0)),
    largestMb: mb(Math.max(...files.map((f) => f.bytes))),
    linksInAnswer: files.length,
    documentButtons: offered.length,
    documentsMbIfAllPressed: mb(offered.reduce((sum, f) => sum + f.bytes, 0)),
    documentsMbUnasked: 0,
    seconds: cold.seconds,
    rssBeforeMb: cold.rssBeforeMb,
    rssGrowthMb: cold.rssGrowthMb,
    warmSeconds: warm.seconds,
    warmRssGrowthMb: warm.rssGrowthMb,
  }),
);
await db.$disconnect();
