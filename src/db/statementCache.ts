import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type BetterSqlite3 from "better-sqlite3";
import { wrapConnections } from "./adapterFactory.ts";

/** Distinct statement texts kept prepared; the least recently used goes first. */
const CACHED_STATEMENTS = 500;

/**
 * Prisma's better-sqlite3 adapter prepares every statement again on every query
 * (`prepare` + `bind`), which SQLite makes the dearest step of a small query. The
 * bot runs a few dozen distinct statements over and over, so each one is prepared
 * once and run with its arguments. Only the calls the adapter makes are served:
 * `prepare(sql).run()` (BEGIN), and `prepare(sql).bind(args)` then `run()`, or
 * `reader`, `columns()` and `raw().all()`. `onConnect` is given the cached `prepare`,
 * for the statements run without Prisma (`sqlDriver.ts`).
 */
export function cacheStatements(
  factory: SqlMigrationAwareDriverAdapterFactory,
  onConnect: (prepared: (sql: string) => BetterSqlite3.Statement) => void = () => {},
): SqlMigrationAwareDriverAdapterFactory {
  return wrapConnections(factory, (adapter) => {
    const holder = adapter as unknown as { client: BetterSqlite3.Database };
    holder.client = withStatementCache(holder.client, onConnect);
    return adapter;
  });
}

function withStatementCache(
  database: BetterSqlite3.Database,
  onConnect: (prepared: (sql: string) => BetterSqlite3.Statement) => void,
): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string) => {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql);
    } else {
      statement = database.prepare(sql);
      if (cache.size >= CACHED_STATEMENTS) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, statement);
    return statement;
  };
  onConnect(prepared);
  const prepare = (sql: string) => {
    const statement = prepared(sql);
    return {
      run: () => statement.run(),
      bind: (args: unknown[]) => ({
        reader: statement.reader,
        run: () => statement.run(args),
        columns: () => statement.columns(),
        raw: () => ({ all: () => statement.raw(true).all(args) }),
      }),
    };
  };
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property === "prepare") return prepare;
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
