import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { serializeTransactions } from "./serializedAdapter.ts";

export type Db = PrismaClient;
export type { Prisma } from "../generated/prisma/client.ts";

/** Milliseconds a writer waits for SQLite's lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens the SQLite database through Prisma's driver adapter, in WAL mode: measured
 * about four times the insert rate of the default journal (DESIGN.md, "SQLite settings").
 */
export async function openDatabase(
  databaseFile: string,
  options: { onQuery?: (event: { query: string }) => void } = {},
): Promise<Db> {
  // The data folder and the database hold personal data: the bot's user only.
  mkdirSync(dirname(databaseFile), { recursive: true, mode: 0o700 });
  const adapter = serializeTransactions(
    new PrismaBetterSqlite3({ url: databaseFile, timeout: BUSY_TIMEOUT_MS }),
  );
  const db = new PrismaClient({
    adapter,
    ...(options.onQuery ? { log: [{ emit: "event" as const, level: "query" as const }] } : {}),
  });
  if (options.onQuery) {
    // Benchmarks count queries; the bot itself never turns this on.
    (db as unknown as { $on(event: "query", listener: (e: { query: string }) => void): void }).$on(
      "query",
      options.onQuery,
    );
  }
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  for (const file of [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  return db;
}
