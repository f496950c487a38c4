import { AsyncLocalStorage } from "node:async_hooks";
import { type Db, Prisma } from "./client.ts";
import { driverOf, type SqlDriver } from "./sqlDriver.ts";

type Tx = Prisma.TransactionClient;

interface Scope {
  /** False once `run` has returned: late background work uses the database as it is. */
  live: boolean;
  /** Set by the first write; everything after it goes through the transaction. */
  opening: Promise<Tx> | null;
  tx: Tx | null;
  commit(): void;
  rollback(error: unknown): void;
  finished: Promise<unknown> | null;
  /** Run once the unit's writes are committed (dropped if they roll back). */
  afterCommit: (() => void)[];
}

const WRITES = new Set([
  "create",
  "createMany",
  "createManyAndReturn",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
]);

const isDelegate = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && "findMany" in value;

/**
 * One transaction around everything a handler writes, without passing a
 * transaction client through every service: the services hold `db`, a proxy that
 * answers with the current scope's transaction client when there is one. This is
 * what lets the inbound pipeline commit an update's effects, its conversation state
 * and its "handled" mark together (DESIGN.md, invariant 1 and 2).
 *
 * The transaction opens at the first write, not at `run`: what a handler reads and
 * checks before it (the photo's decoding and storing, the campaign looked up) holds
 * no lock, so other chats go on meanwhile (on SQLite, one transaction at a time);
 * and a handler that writes nothing (a command that only answers) opens none. Reads
 * before the first write see what is committed, as every read does on PostgreSQL
 * (read committed): a write that depends on a read says so in its own statement
 * (a unique key, a conditional update), which the services already do for
 * PostgreSQL and several instances.
 *
 * Plain SQL (`$queryRaw`, `$executeRaw`, in or out of a transaction) is run by the
 * database's direct driver (`sqlDriver.ts`), not by Prisma: the hot path (storing an
 * update, identifying its sender, a report's commit, the marks) is written that way.
 */
export class UnitOfWork {
  readonly #scope = new AsyncLocalStorage<Scope>();
  readonly db: Db;

  constructor(private readonly base: Db) {
    const scope = this.#scope;
    const sql = driverOf(base);
    const direct = (tx: Tx) => directTx(tx, sql);
    const open = (current: Scope) => this.#begin(current);
    const begin = async (current: Scope) => direct(await open(current));
    this.db = new Proxy(base, {
      get(target, property, receiver) {
        const current = scope.getStore();
        if (!current?.live) {
          if (property === "$queryRaw") return rawQuery(sql, null);
          if (property === "$executeRaw") return rawExecute(sql, null);
          if (property === "$transaction") return ownTransaction(target, direct);
          return Reflect.get(target, property, receiver);
        }
        const tx = current.tx;
        if (tx) {
          const inside = direct(tx);
          if (property === "$transaction") return nestedTransaction(inside);
          const value = Reflect.get(inside, property);
          return typeof value === "function" ? value.bind(inside) : value;
        }
        if (property === "$transaction") return firstTransaction(current, begin);
        const value = Reflect.get(target, property, receiver);
        if (current.opening) return throughOpening(current, property, value, begin);
        if (property === "$queryRaw") {
          // A read runs as it is; a write that answers rows (… RETURNING) opens the transaction.
          return async (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
            const statement = statementOf(query, values);
            if (!WRITE_STATEMENT.test(statement.sql)) return sql.query(statement, null);
            return sql.query(statement, await open(current));
          };
        }
        if (property === "$executeRaw" || property === "$executeRawUnsafe") {
          return async (...args: unknown[]) => {
            const opened = await begin(current);
            return (opened[property] as (...a: unknown[]) => unknown)(...args);
          };
        }
        if (isDelegate(value)) return lazyDelegate(current, property as string, value, begin);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  /** True inside `run`: writes go to the unit's transaction. */
  get active(): boolean {
    return this.#scope.getStore()?.live ?? false;
  }

  /** True inside `run` once something was written: a transaction is open. */
  get wrote(): boolean {
    return this.#scope.getStore()?.opening != null;
  }

  /** Runs `work` as one transaction (opened by its first write); a throw rolls every write back. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active) return work();
    const scope: Scope = {
      live: true,
      opening: null,
      tx: null,
      commit: () => {},
      rollback: () => {},
      finished: null,
      afterCommit: [],
    };
    let result: T;
    try {
      result = await this.#scope.run(scope, work);
    } catch (error) {
      scope.live = false;
      if (scope.opening) {
        scope.rollback(error);
        await scope.finished?.catch(() => {});
      }
      throw error;
    }
    // Work the handler left running in the background must not touch a closed transaction.
    scope.live = false;
    if (scope.opening) {
      await scope.opening;
      scope.commit();
      await scope.finished;
    }
    for (const hook of scope.afterCommit) hook();
    return result;
  }

  /**
   * Runs `hook` once what the current unit wrote is committed, or now outside a unit:
   * whoever it wakes (the outbox's sender) then finds the rows. Inside a unit that
   * rolls back, it never runs.
   */
  afterCommit(hook: () => void): void {
    const scope = this.#scope.getStore();
    if (scope?.live) scope.afterCommit.push(hook);
    else hook();
  }

  /** Opens the scope's transaction; it stays open until `run` commits or rolls it back. */
  #begin(scope: Scope): Promise<Tx> {
    scope.opening ??= new Promise<Tx>((resolve, reject) => {
      const outcome = new Promise<void>((commit, rollback) => {
        scope.commit = commit;
        scope.rollback = rollback;
      });
      // Settled before the transaction may have started: awaited inside it later.
      outcome.catch(() => {});
      scope.finished = this.base.$transaction(
        async (tx) => {
          scope.tx = tx;
          resolve(tx);
          await outcome;
        },
        // Handlers download nothing inside (the pipeline fetches files first), but one
        // SQLite connection serves every chat: waiting for it may take a while under load.
        { maxWait: 60_000, timeout: 60_000 },
      );
      scope.finished.catch(reject);
    });
    return scope.opening;
  }
}

type Begin = (scope: Scope) => Promise<Tx>;

const WRITE_STATEMENT = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;

/** `$queryRaw` as a tagged template or with a ready `Prisma.sql`. */
const statementOf = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]) =>
  query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);

const rawQuery =
  (sql: SqlDriver, tx: Tx | null) =>
  (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
    sql.query(statementOf(query, values), tx);

const rawExecute =
  (sql: SqlDriver, tx: Tx | null) =>
  (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
    sql.execute(statementOf(query, values), tx);

const directs = new WeakMap<Tx, Tx>();

/** A transaction client whose plain SQL goes through the direct driver, inside it. */
function directTx(tx: Tx, sql: SqlDriver): Tx {
  let wrapped = directs.get(tx);
  if (!wrapped) {
    const query = rawQuery(sql, tx);
    const execute = rawExecute(sql, tx);
    wrapped = new Proxy(tx, {
      get(target, property) {
        if (property === "$queryRaw") return query;
        if (property === "$executeRaw") return execute;
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    directs.set(tx, wrapped);
  }
  return wrapped;
}

/** A service's `$transaction` outside any unit: Prisma's, its plain SQL direct inside. */
function ownTransaction(base: Db, direct: (tx: Tx) => Tx) {
  return (arg: unknown, options?: object) =>
    typeof arg === "function"
      ? base.$transaction((tx) => (arg as (tx: Tx) => Promise<unknown>)(direct(tx)), options)
      : base.$transaction(arg as Prisma.PrismaPromise<unknown>[], options);
}

/** `tx[model][operation](...args)`, for a model and operation known only by name. */
function callOn(tx: Tx, model: string | symbol, operation: string | symbol, args: unknown[]) {
  const delegate = Reflect.get(tx, model) as object;
  const method = Reflect.get(delegate, operation) as (...a: unknown[]) => unknown;
  return method.apply(delegate, args);
}

/** A model before the first write: reads as they are, a write opens the transaction. */
function lazyDelegate(
  scope: Scope,
  model: string,
  delegate: Record<string, unknown>,
  begin: Begin,
) {
  return new Proxy(delegate, {
    get(target, operation, receiver) {
      const value = Reflect.get(target, operation, receiver);
      if (typeof value !== "function") return value;
      if (typeof operation !== "string" || !WRITES.has(operation)) return value.bind(target);
      return async (...args: unknown[]) => {
        return callOn(await begin(scope), model, operation, args);
      };
    },
  });
}

/** While the transaction is being opened, everything waits for it (SQLite has one connection). */
function throughOpening(scope: Scope, property: string | symbol, value: unknown, begin: Begin) {
  const inside = async (call: (tx: Tx) => unknown) => call(await begin(scope));
  if (isDelegate(value)) {
    return new Proxy(value, {
      get(target, operation) {
        const method = Reflect.get(target, operation);
        if (typeof method !== "function") return method;
        return (...args: unknown[]) => inside((tx) => callOn(tx, property, operation, args));
      },
    });
  }
  if (typeof value !== "function") return value;
  return (...args: unknown[]) =>
    inside((tx) => (Reflect.get(tx, property) as (...a: unknown[]) => unknown)(...args));
}

/**
 * A service's own `$transaction` that is the unit's first write opens the unit's
 * transaction and needs no savepoint: if it throws, the transaction is rolled back
 * whole and the unit goes on as if nothing had been written. (A handler's writes
 * run one after the other; none runs beside a service's transaction.)
 */
function firstTransaction(scope: Scope, begin: Begin) {
  return async (arg: unknown) => {
    const tx = await begin(scope);
    try {
      return await runNested(tx, arg);
    } catch (error) {
      scope.rollback(error);
      await scope.finished?.catch(() => {});
      scope.opening = null;
      scope.tx = null;
      scope.finished = null;
      throw error;
    }
  };
}

async function runNested(tx: Tx, arg: unknown): Promise<unknown> {
  if (typeof arg === "function") return (arg as (tx: Tx) => unknown)(tx);
  const results: unknown[] = [];
  for (const query of arg as Promise<unknown>[]) results.push(await query);
  return results;
}

let savepoints = 0;

/**
 * `$transaction` called by a service inside an open transaction joins it as a
 * savepoint, so a service that throws to undo its own writes still undoes only those.
 */
function nestedTransaction(tx: Tx) {
  return async (arg: unknown) => {
    const name = `sp_${++savepoints}`;
    await tx.$executeRawUnsafe(`SAVEPOINT ${name}`);
    try {
      const result = await runNested(tx, arg);
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
      throw error;
    }
  };
}
