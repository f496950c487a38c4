import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";

/** PostgreSQL's one-byte "char" type (OID 18), which the engine reads from the catalog. */
const PG_CHAR = 18;
const PG_TEXT = 25;

/**
 * The engine describes a PostgreSQL schema from catalog columns of the "char" type,
 * which @prisma/adapter-pg 7.10 refuses ("Column type 'char' could not be
 * deserialized"); its values arrive as one-letter strings, so they are given to the
 * adapter as text. Only the schema engine's connections do this.
 */
class CatalogClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query has a dozen overloads; this passes them through.
  override query(...args: any[]): any {
    const relabel = (result: { fields?: { dataTypeID: number }[] } | undefined) => {
      for (const field of result?.fields ?? []) {
        if (field.dataTypeID === PG_CHAR) field.dataTypeID = PG_TEXT;
      }
      return result;
    };
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last] as (error: unknown, result: unknown) => void;
      args[last] = (error: unknown, result: { fields?: { dataTypeID: number }[] }) =>
        callback(error, relabel(result));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    return out instanceof Promise ? out.then(relabel) : out;
  }
}

/** The schema engine's way into PostgreSQL (src/db/schemaEngine.ts loads it on demand). */
export function postgresEngineAdapter(url: string): SqlMigrationAwareDriverAdapterFactory {
  return new PrismaPg(new pg.Pool({ connectionString: url, Client: CatalogClient }), {
    disposeExternalPool: true,
  });
}
