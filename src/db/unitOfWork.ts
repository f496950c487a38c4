import { AsyncLocalStorage } from "node:async_hooks";
import type { Db, Prisma } from "./client.ts";

interface Scope {
  tx: Prisma.TransactionClient;
  open: boolean;
}

/**
 * One transaction around everything a handler writes, without passing a
 * transaction client through every service: the services hold `db`, a proxy that
 * answers with the current scope's transaction client when there is one. This is
 * what lets the inbound pipeline commit an update's effects, its conversation state
 * and its "handled" mark together (DESIGN.md, invariant 1 and 2).
 */
export class UnitOfWork {
  readonly #scope = new AsyncLocalStorage<Scope>();
  readonly db: Db;

  constructor(private readonly base: Db) {
    const scope = this.#scope;
    this.db = new Proxy(base, {
      get(target, property, receiver) {
        const current = scope.getStore();
        if (!current?.open) return Reflect.get(target, property, receiver);
        if (property === "$transaction") return nestedTransaction(current.tx);
        const value = Reflect.get(current.tx, property);
        return typeof value === "function" ? value.bind(current.tx) : value;
      },
    });
  }

  /** True inside `run`: writes go to the open transaction. */
  get active(): boolean {
    return this.#scope.getStore()?.open ?? false;
  }

  /** Runs `work` in one transaction; a throw rolls every write back. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active) return work();
    return this.base.$transaction(
      async (tx) => {
        const scope: Scope = { tx, open: true };
        try {
          return await this.#scope.run(scope, work);
        } finally {
          // Work the handler left running in the background must not touch a closed transaction.
          scope.open = false;
        }
      },
      // Handlers download nothing inside (the pipeline fetches files first), but one
      // SQLite connection serves every chat: waiting for it may take a while under load.
      { maxWait: 60_000, timeout: 60_000 },
    );
  }
}

let savepoints = 0;

/**
 * `$transaction` called by a service inside an open scope joins it as a savepoint,
 * so a service that throws to undo its own writes still undoes only those.
 */
function nestedTransaction(tx: Prisma.TransactionClient) {
  return async (arg: unknown) => {
    const name = `sp_${++savepoints}`;
    await tx.$executeRawUnsafe(`SAVEPOINT ${name}`);
    try {
      let result: unknown;
      if (typeof arg === "function") {
        result = await (arg as (tx: Prisma.TransactionClient) => unknown)(tx);
      } else {
        const results: unknown[] = [];
        for (const query of arg as Promise<unknown>[]) results.push(await query);
        result = results;
      }
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
      throw error;
    }
  };
}
