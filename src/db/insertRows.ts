import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "./client.ts";

/** Values per statement: under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const VALUES_PER_STATEMENT = 10_000;

type Writer = Pick<Db, "$executeRaw"> | Prisma.TransactionClient;

const quoted = (names: readonly string[]) => Prisma.raw(names.map((c) => `"${c}"`).join(", "));

/**
 * Inserts many rows with one plain multi-row INSERT per slice, and answers how many went
 * in. With `skipConflictsOn` (the columns of a unique key), a row whose key is already
 * there is skipped by the database (`ON CONFLICT … DO NOTHING`, alike on both providers)
 * instead of looked up first. Prisma's `createMany`
 * spends about 0.75 ms of JavaScript per row (5,000 reminder deliveries: 4.3 s); the
 * same rows this way take 0.4 s. The statement reads alike on SQLite and PostgreSQL
 * (quoted names, one placeholder per value, dates bound as dates), and Prisma still
 * binds the values, so nothing is spliced into the SQL. `columns` are the schema's
 * own names, written here by the caller, never taken from input.
 */
export async function insertRows<Column extends string>(
  writer: Writer,
  table: Prisma.ModelName,
  columns: readonly Column[],
  rows: readonly Record<Column, unknown>[],
  options: { skipConflictsOn?: readonly Column[] } = {},
): Promise<number> {
  const perStatement = Math.max(1, Math.floor(VALUES_PER_STATEMENT / columns.length));
  const names = quoted(columns);
  const onConflict = options.skipConflictsOn
    ? Prisma.sql` ON CONFLICT (${quoted(options.skipConflictsOn)}) DO NOTHING`
    : Prisma.empty;
  let inserted = 0;
  for (let from = 0; from < rows.length; from += perStatement) {
    const tuples = rows
      .slice(from, from + perStatement)
      .map((row) => Prisma.sql`(${Prisma.join(columns.map((c) => row[c]))})`);
    inserted +=
      await writer.$executeRaw`INSERT INTO ${Prisma.raw(`"${table}"`)} (${names}) VALUES ${Prisma.join(tuples)}${onConflict}`;
  }
  return inserted;
}
