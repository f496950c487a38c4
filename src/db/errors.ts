import { Prisma } from "../generated/prisma/client.ts";

/**
 * True for a unique-constraint violation, on SQLite and PostgreSQL alike, from a
 * model query (P2002) or a plain SQL one (P2010, with the driver's own kind).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002") return true;
  const cause = (error.meta?.driverAdapterError as { cause?: { kind?: string } } | undefined)
    ?.cause;
  return error.code === "P2010" && cause?.kind === "UniqueConstraintViolation";
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
