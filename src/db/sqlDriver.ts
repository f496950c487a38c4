import type BetterSqlite3 from "better-sqlite3";
import type { CustomTypesConfig, Pool } from "pg";
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import type { Lock } from "./lock.ts";

type Tx = Prisma.TransactionClient;

/**
 * Runs a plain SQL statement (`Prisma.sql`, the same text services already write for
 * `$queryRaw`) straight through the driver, without Prisma's query machinery: a
 * lookup by id costs about a tenth of `$queryRaw`'s time on SQLite (figures in
 * CONTRIBUTING, "Plain SQL skips Prisma"). `tx` is the transaction the statement
 * belongs to, or null for one of its own.
 */
export interface SqlDriver {
  query(statement: Prisma.Sql, tx: Tx | null): Promise<Record<string, unknown>[]>;
  execute(statement: Prisma.Sql, tx: Tx | null): Promise<number>;
}

type OnQuery = ((event: { query: string }) => void) | undefined;

const drivers = new WeakMap<object, SqlDriver>();

/** Set by `openDatabase`: the client's type is Prisma's own, so the driver rides beside it. */
export function attachDriver(db: PrismaClient, driver: SqlDriver): void {
  drivers.set(db, driver);
}

/** The client's direct driver, or Prisma's raw queries for a client opened elsewhere. */
export function driverOf(db: PrismaClient): SqlDriver {
  return (
    drivers.get(db) ?? {
      query: (statement, tx) => (tx ?? db).$queryRaw<Record<string, unknown>[]>(statement),
      execute: (statement, tx) => (tx ?? db).$executeRaw(statement),
    }
  );
}

/** Bound as Prisma's SQLite adapter binds them, so rows read the same whichever wrote them. */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  return value === undefined ? null : value;
}

/**
 * SQLite has one connection, shared with Prisma's adapter. A statement of its own
 * waits for the lock every query and transaction takes (`serializedAdapter.ts`); one
 * inside a transaction runs at once, since the connection's open transaction is that
 * one (the lock is what makes it the only one).
 */
export class SqliteDriver implements SqlDriver {
  /** The adapter's cached `prepare`, set once Prisma has connected. */
  prepared: ((sql: string) => BetterSqlite3.Statement) | null = null;

  constructor(
    private readonly lock: Lock,
    private readonly onQuery: OnQuery,
  ) {}

  query(statement: Prisma.Sql, tx: Tx | null): Promise<Record<string, unknown>[]> {
    return this.#run(statement, tx, (prepared, args) => {
      if (prepared.reader) return prepared.all(args) as Record<string, unknown>[];
      prepared.run(args);
      return [];
    });
  }

  execute(statement: Prisma.Sql, tx: Tx | null): Promise<number> {
    return this.#run(statement, tx, (prepared, args) =>
      prepared.reader ? prepared.all(args).length : prepared.run(args).changes,
    );
  }

  async #run<T>(
    statement: Prisma.Sql,
    tx: Tx | null,
    run: (prepared: BetterSqlite3.Statement, args: unknown[]) => T,
  ): Promise<T> {
    const prepare = this.prepared;
    if (!prepare) throw new Error("the SQLite connection is not open");
    this.onQuery?.({ query: statement.sql });
    const args = statement.values.map(sqliteValue);
    if (tx) return run(prepare(statement.sql), args);
    const release = await this.lock.acquire();
    try {
      return run(prepare(statement.sql), args);
    } finally {
      release();
    }
  }
}

/**
 * `timestamp(3)` columns hold UTC without a zone (Prisma's mapping): read as UTC
 * whatever the server's TZ, and `bigint` as a bigint, as Prisma's raw queries answer.
 */
const POSTGRES_PARSERS: Record<number, (text: string) => unknown> = {
  1114: (text) => new Date(`${text.replace(" ", "T")}Z`),
  20: (text) => BigInt(text),
};

/** A Date as UTC text (a `timestamp` column ignores the zone, so it must be UTC). */
const postgresValue = (value: unknown): unknown =>
  value instanceof Date ? value.toISOString() : value === undefined ? null : value;

/**
 * PostgreSQL: a statement of its own on any pooled connection (the pool Prisma's
 * adapter uses too); inside a transaction, through the transaction's client, which
 * holds its connection (Prisma keeps it to itself).
 */
export class PostgresDriver implements SqlDriver {
  readonly #types: CustomTypesConfig;

  constructor(
    private readonly pool: Pool,
    private readonly onQuery: OnQuery,
    /** pg's own parsers (`pg.types.getTypeParser`) for every other type. */
    typeParser: CustomTypesConfig["getTypeParser"],
  ) {
    this.#types = {
      getTypeParser: (oid, format) => POSTGRES_PARSERS[oid] ?? typeParser(oid, format),
    };
  }

  async query(statement: Prisma.Sql, tx: Tx | null): Promise<Record<string, unknown>[]> {
    if (tx) return tx.$queryRaw<Record<string, unknown>[]>(statement);
    return (await this.#run(statement)).rows;
  }

  async execute(statement: Prisma.Sql, tx: Tx | null): Promise<number> {
    if (tx) return tx.$executeRaw(statement);
    return (await this.#run(statement)).rowCount ?? 0;
  }

  #run(statement: Prisma.Sql) {
    this.onQuery?.({ query: statement.text });
    return this.pool.query<Record<string, unknown>>({
      text: statement.text,
      values: statement.values.map(postgresValue),
      types: this.#types,
    });
  }
}
