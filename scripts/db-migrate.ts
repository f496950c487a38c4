/* npm run db:migrate: applies pending migrations to DATABASE_URL and exits. */
import { ConfigError, loadConfig } from "../src/config.ts";
import { applyMigrations } from "../src/db/schemaEngine.ts";
import { describeTarget } from "../src/db/target.ts";

try {
  const config = loadConfig();
  const applied = await applyMigrations({ target: config.database });
  const where = describeTarget(config.database);
  console.log(
    applied.length === 0 ? `${where}: up to date` : `${where}: applied ${applied.join(", ")}`,
  );
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
