import { type App, createApp } from "./app.ts";
import type { Config } from "./config.ts";
import { type Clock, systemClock } from "./core/clock.ts";
import { openDatabase } from "./db/client.ts";
import { applyMigrations } from "./db/schemaEngine.ts";
import type { Logger } from "./logger.ts";

/** Applies pending migrations, opens the database and wires the app. */
export async function bootstrap(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<App> {
  const applied = await applyMigrations({ databaseFile: config.databaseFile });
  if (applied.length > 0) logger.info({ applied }, "database migrated");
  const db = await openDatabase(config.databaseFile);
  return createApp({ db, config, clock, logger });
}
