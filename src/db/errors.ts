import { Prisma } from "../generated/prisma/client.ts";

/** True for a unique-constraint violation, on SQLite and PostgreSQL alike. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
