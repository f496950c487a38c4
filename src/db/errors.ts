import { Prisma } from "../generated/prisma/client.ts";

/** The driver's own code of an error thrown by a statement run without Prisma (`sqlDriver.ts`). */
const driverCode = (error: unknown): string =>
  typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";

/** SQLite's and PostgreSQL's codes for a unique-key violation. */
const UNIQUE_CODES = new Set(["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY", "23505"]);

/**
 * True for a unique-constraint violation, on SQLite and PostgreSQL alike, from a
 * model query (P2002), a plain SQL one through Prisma (P2010, with the driver's own
 * kind) or one through the direct driver (the driver's code).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) {
    return UNIQUE_CODES.has(driverCode(error));
  }
  if (error.code === "P2002") return true;
  const cause = (error.meta?.driverAdapterError as { cause?: { kind?: string } } | undefined)
    ?.cause;
  return error.code === "P2010" && cause?.kind === "UniqueConstraintViolation";
}

/**
 * True when a transaction lost a race with another writer and may simply be run
 * again: a unique violation, SQLite's busy or stale-snapshot refusal, or
 * PostgreSQL's serialization failure or deadlock (P2034, or the driver's code).
 */
export function isWriteConflict(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2034") return true;
  if (["40001", "40P01"].includes(driverCode(error))) return true;
  const message = error instanceof Error ? error.message : "";
  return /database is locked|SQLITE_BUSY|busy|timed out/i.test(message);
}
