import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { type Db, openDatabase } from "../../src/db/client.ts";
import { createDatabase, dropDatabase } from "../../src/db/postgresDatabases.ts";

/*
 * Every test runs on a fresh, real, migrated database of the provider the run is
 * for: SQLite (a copy of the template file, in the test's folder) or, when
 * TEST_DATABASE_URL names a PostgreSQL server, a database cloned from the run's
 * template and dropped after (globalSetup drops what a test left behind).
 * A test folder knows its database: `database.url` in it, read by bot processes.
 */

export const testProvider = (): "sqlite" | "postgresql" =>
  inject("testDatabase").provider === "postgresql" ? "postgresql" : "sqlite";

const URL_FILE = "database.url";

/** The DATABASE_URL of the test folder `dir` (made by `freshDatabase`). */
export function databaseUrlOf(dir: string): string {
  const file = join(dir, URL_FILE);
  return existsSync(file) ? readFileSync(file, "utf8").trim() : `file:${join(dir, "thidua.db")}`;
}

let made = 0;

/** A migrated, empty database for the folder `dir`; answers its URL. */
export async function freshDatabase(dir: string): Promise<string> {
  const given = inject("testDatabase");
  if (given.provider === "sqlite") {
    copyFileSync(given.template, join(dir, "thidua.db"));
    return databaseUrlOf(dir);
  }
  const name = `${given.template}_${process.pid}_${++made}`;
  const url = await createDatabase(given.server, name, given.template);
  writeFileSync(join(dir, URL_FILE), url);
  return url;
}

/** Drops the folder's PostgreSQL database (a SQLite file goes with the folder). */
export async function dropDatabaseOf(dir: string): Promise<void> {
  const given = inject("testDatabase");
  if (given.provider === "sqlite") return;
  const url = databaseUrlOf(dir);
  await dropDatabase(given.server, new URL(url).pathname.slice(1));
}

/** A fresh database opened with the bot's client, for tests of the data layer alone. */
export async function openFreshDatabase(): Promise<{ db: Db; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "thidua-db-"));
  const config = loadConfig({ DATABASE_URL: await freshDatabase(dir), DATA_DIR: dir });
  const db = await openDatabase(config.database);
  return {
    db,
    close: async () => {
      await db.$disconnect();
      await dropDatabaseOf(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A PostgreSQL server for tests that are about PostgreSQL itself (migrations, db
 * copy, several instances): TEST_DATABASE_URL, or the local server when one answers.
 * Null on a machine without one: those tests are skipped there and say so.
 */
export async function postgresServer(): Promise<string | null> {
  const url = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return url;
  } catch {
    if (process.env.TEST_DATABASE_URL) throw new Error(`TEST_DATABASE_URL does not answer: ${url}`);
    console.warn(`no PostgreSQL at ${url}: its tests are skipped on this machine`);
    return null;
  }
}
