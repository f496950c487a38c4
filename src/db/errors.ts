import { Prisma } from "../generated/prisma/client.ts";

/** True for a unique-constraint violation, on SQLite and PostgreSQL alike. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/**
 * True when a transaction lost a race with another writer and may simply be run
 * again: a unique violation, SQLite's busy or stale-snapshot refusal, or
 * PostgreSQL's serialization failure (P2034).
 */
export function isWriteConflict(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2034") return true;
  const message = error instanceof Error ? error.message : "";
  return /database is locked|SQLITE_BUSY|busy|timed out/i.test(message);
}
