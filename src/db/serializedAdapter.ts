import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { wrapConnections } from "./adapterFactory.ts";
import { Lock } from "./lock.ts";

/**
 * better-sqlite3 has one connection. Prisma's adapter lets only one transaction
 * run at a time, but a query from elsewhere in the process (the sender marking a
 * delivery sent while the scheduler's transaction is open) would run inside that
 * transaction, and vanish with its rollback. This wrapper makes every query wait
 * while a transaction is open, so each is atomic on its own. `lock` is shared with
 * the statements run without Prisma (`sqlDriver.ts`).
 */
export function serializeTransactions(
  factory: SqlMigrationAwareDriverAdapterFactory,
  lock = new Lock(),
): SqlMigrationAwareDriverAdapterFactory {
  return wrapConnections(factory, (adapter) => wrap(adapter, lock));
}

function wrap(adapter: SqlDriverAdapter, lock: Lock): SqlDriverAdapter {
  const exclusive =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const release = await lock.acquire();
      try {
        return await fn(...args);
      } finally {
        release();
      }
    };
  return new Proxy(adapter, {
    get(target, property, receiver) {
      if (property === "queryRaw") return exclusive(target.queryRaw.bind(target));
      if (property === "executeRaw") return exclusive(target.executeRaw.bind(target));
      if (property === "executeScript") return exclusive(target.executeScript.bind(target));
      if (property === "startTransaction") {
        return async (...args: Parameters<SqlDriverAdapter["startTransaction"]>) => {
          const release = await lock.acquire();
          try {
            return holdUntilEnd(await target.startTransaction(...args), release);
          } catch (error) {
            release();
            throw error;
          }
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Keeps the lock until the transaction commits or rolls back. */
function holdUntilEnd(transaction: Transaction, release: () => void): Transaction {
  let released = false;
  const end = () => {
    if (!released) {
      released = true;
      release();
    }
  };
  return new Proxy(transaction, {
    get(target, property, receiver) {
      if (property === "commit" || property === "rollback") {
        return async () => {
          try {
            await target[property]();
          } finally {
            end();
          }
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
