import type { App } from "../../app.ts";
import { isPostgresUrl } from "../../config.ts";
import { openDatabase } from "../../db/client.ts";
import { CopyRefused, copyDatabase } from "../../db/copyDatabase.ts";
import { applyMigrations } from "../../db/schemaEngine.ts";
import { describeTarget } from "../../db/target.ts";
import { AdminError, type AdminResult } from "../adminResult.ts";
import type { AdminVerb } from "../adminVerb.ts";

/** `db copy --to postgresql://…`: this bot's SQLite data into a new PostgreSQL database. */
async function dbCopy(app: App, to: string | undefined): Promise<AdminResult> {
  const from = app.deps.config.database;
  if (from.provider !== "sqlite") {
    throw new AdminError("db copy reads a SQLite database: DATABASE_URL is not file:…", 2);
  }
  if (!to || !isPostgresUrl(to)) {
    throw new AdminError(
      "usage: npm run admin -- db copy --to postgresql://user@host:5432/thidua",
      2,
    );
  }
  const target = { provider: "postgresql" as const, url: to };
  // Stop the bot first: what it writes during the copy would not be copied.
  await applyMigrations({ target });
  const db = await openDatabase(target);
  try {
    const counts = await copyDatabase(app.deps.db, db);
    const rows = counts.reduce((n, c) => n + c.target, 0);
    return {
      json: { from: from.file, to: describeTarget(target), tables: counts },
      text: [
        ...counts.filter((c) => c.target > 0).map((c) => `${c.table}\t${c.target}`),
        `copied ${rows} rows in ${counts.length} tables from ${from.file} to ${describeTarget(target)}; row counts match.`,
        "Evidence files were not moved: keep DATA_DIR, then set DATABASE_URL to the new database.",
      ].join("\n"),
    };
  } catch (error) {
    if (error instanceof CopyRefused) throw new AdminError(error.message, 1);
    throw error;
  } finally {
    await db.$disconnect();
  }
}

export const dbCopyVerb: AdminVerb = {
  words: "db copy",
  args: "--to postgresql://…",
  does: "copy this SQLite database into a new PostgreSQL one (bot stopped)",
  options: ["to"],
  run: ({ app, options }) => dbCopy(app, options.to),
};
