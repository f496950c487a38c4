/* The export alone, in its own process: usage exportRun.ts <dataDir> <campaignId>. */
import { join } from "node:path";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { systemClock } from "../../src/core/clock.ts";
import { openDatabase } from "../../src/db/client.ts";
import { createLogger } from "../../src/logger.ts";
import { withPeakRss } from "./common.ts";

const [dir = "", campaignId = "0"] = process.argv.slice(2);
const file = join(dir, "bench.db");
const config = loadConfig({ DATABASE_URL: `file:${file}`, DATA_DIR: dir, LOG_LEVEL: "silent" });
const db = await openDatabase(file);
const app = createApp({ db, config, clock: systemClock, logger: createLogger("silent") });
const summary = await app.services.campaigns.findAnyBloc(Number(campaignId));
(globalThis as { gc?: () => void }).gc?.();
const before = process.memoryUsage().rss;
const started = performance.now();
const { result, peakRssMb } = await withPeakRss(() =>
  app.services.exports.build(summary, "Asia/Ho_Chi_Minh", app.translator.for("vi")),
);
console.log(
  JSON.stringify({
    rows: result.rows,
    photos: result.photos,
    files: result.files.length,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    rssBeforeMb: Math.round(before / 1024 / 1024),
    peakRssMb,
    rssGrowthMb: Math.round(peakRssMb - before / 1024 / 1024),
  }),
);
await db.$disconnect();
