import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { Lock } from "./lock.ts";
import { serializeTransactions } from "./serializedAdapter.ts";
import { attachDriver, PostgresDriver, SqliteDriver } from "./sqlDriver.ts";
import { cacheStatements } from "./statementCache.ts";
import type { DatabaseTarget } from "./target.ts";

/**
 * The client services use. Both providers' clients are generated from one schema
 * and have the same models and methods, so services are written once against the
 * SQLite client's types.
 */
export type Db = PrismaClient;
export { Prisma } from "../generated/prisma/client.ts";

/** A fragment of plain SQL for `$queryRaw` (both providers' clients share the runtime). */
export const sqlFragment = (strings: TemplateStringsArray, ...values: unknown[]) =>
  Prisma.sql(strings, ...values);

/** Milliseconds a writer waits for SQLite's lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/** Connections each instance keeps to PostgreSQL (pg's default). */
const POSTGRES_POOL_SIZE = 10;

interface OpenOptions {
  onQuery?: (event: { query: string }) => void;
}

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Db> {
  const db =
    target.provider === "sqlite"
      ? await openSqlite(target.file, options)
      : await openPostgres(target.url, options);
  if (options.onQuery) {
    // Benchmarks count queries; the bot itself never turns this on.
    (db as unknown as { $on(event: "query", listener: (e: { query: string }) => void): void }).$on(
      "query",
      options.onQuery,
    );
  }
  return db;
}

/*
 * "minimal" errors: any other format makes Prisma capture a stack trace on every query,
 * in case it fails (to point at the caller in a pretty message), which was 2 % of the
 * bot's CPU under load; the bot logs its own context and reads only error codes.
 */
const clientOptions = (options: OpenOptions) => ({
  errorFormat: "minimal" as const,
  ...(options.onQuery ? { log: [{ emit: "event" as const, level: "query" as const }] } : {}),
});

/**
 * Opens the SQLite database through Prisma's driver adapter, in WAL mode: measured
 * about four times the insert rate of the default journal (DESIGN.md, "SQLite settings").
 */
async function openSqlite(databaseFile: string, options: OpenOptions): Promise<Db> {
  // The data folder and the database hold personal data: the bot's user only.
  mkdirSync(dirname(databaseFile), { recursive: true, mode: 0o700 });
  const lock = new Lock();
  const driver = new SqliteDriver(lock, options.onQuery);
  const adapter = serializeTransactions(
    cacheStatements(
      new PrismaBetterSqlite3({ url: databaseFile, timeout: BUSY_TIMEOUT_MS }),
      (prepared) => {
        driver.prepared = prepared;
      },
    ),
    lock,
  );
  const db = new PrismaClient({ adapter, ...clientOptions(options) });
  attachDriver(db, driver);
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  for (const file of [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  return db;
}

/**
 * PostgreSQL through Prisma's `pg` adapter; its client is loaded only here. The pool
 * is the adapter's and the direct statements' alike (one set of connections).
 */
async function openPostgres(url: string, options: OpenOptions): Promise<Db> {
  const [{ PrismaPg }, { PrismaClient: PgClient }, { default: pg }] = await Promise.all([
    import("@prisma/adapter-pg"),
    import("../generated/prisma-pg/client.ts"),
    import("pg"),
  ]);
  const pool = new pg.Pool({ connectionString: url, max: POSTGRES_POOL_SIZE });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const db = new PgClient({ adapter, ...clientOptions(options) }) as unknown as Db;
  await db.$connect();
  attachDriver(db, new PostgresDriver(pool, options.onQuery, pg.types.getTypeParser));
  return db;
}
