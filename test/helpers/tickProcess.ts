/*
 * One scheduler in its own process, as a second instance would be: opens the
 * database, sets the clock, runs one tick and prints what it decided.
 * usage: tsx test/helpers/tickProcess.ts <databaseUrl> <dataDir> <isoTime>
 */
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { ManualClock } from "../../src/core/clock.ts";
import { openDatabase } from "../../src/db/client.ts";
import { createLogger } from "../../src/logger.ts";

const [databaseUrl = "", dataDir = "", at = ""] = process.argv.slice(2);
const config = loadConfig({
  DATABASE_URL: databaseUrl,
  DATA_DIR: dataDir,
  LOG_LEVEL: "silent",
});
const db = await openDatabase(config.database);
const app = createApp({ db, config, clock: new ManualClock(at), logger: createLogger("silent") });
const result = await app.services.reminders.tick();
process.stdout.write(JSON.stringify(result));
await db.$disconnect();
