import type { DatabaseTarget } from "../config.ts";

export type { DatabaseTarget };

/** The target as an operator reads it in a log line: never the password. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.provider === "sqlite") return target.file;
  try {
    const url = new URL(target.url);
    url.password = "";
    return url.toString();
  } catch {
    return "postgresql";
  }
}

/** The same database server, another database on it (tests, scratch migrations, db copy). */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
