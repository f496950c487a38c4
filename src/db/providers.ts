import { readFileSync } from "node:fs";
import { fromProject } from "../paths.ts";
import type { DatabaseTarget } from "./target.ts";

/*
 * One schema.prisma (written for SQLite) is the source for both providers: the
 * PostgreSQL text differs by its provider line only (scripts/generate-client.mjs
 * writes the same for the PostgreSQL client). Each provider has its own migrations
 * folder, both written by `npm run db:migration`.
 */

export type Provider = DatabaseTarget["provider"];

export const PROVIDERS: readonly Provider[] = ["sqlite", "postgresql"];

export const SCHEMA_PATH = fromProject("prisma/schema.prisma");

export const MIGRATIONS_DIRS: Record<Provider, string> = {
  sqlite: fromProject("prisma/migrations"),
  postgresql: fromProject("prisma/migrations-postgresql"),
};

/** The schema text the schema engine reads for `provider`. */
export function schemaFor(provider: Provider, schemaPath: string = SCHEMA_PATH): string {
  const source = readFileSync(schemaPath, "utf8");
  return provider === "sqlite"
    ? source
    : source.replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"');
}
