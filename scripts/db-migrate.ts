/* npm run db:migrate: applies pending migrations to DATABASE_URL and exits. */
import { ConfigError, loadConfig } from "../src/config.ts";
import { applyMigrations } from "../src/db/schemaEngine.ts";

try {
  const config = loadConfig();
  const applied = await applyMigrations({ databaseFile: config.databaseFile });
  console.log(
    applied.length === 0
      ? `${config.databaseFile}: up to date`
      : `${config.databaseFile}: applied ${applied.join(", ")}`,
  );
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
