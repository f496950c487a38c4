import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "./client.ts";

/*
 * Moving a bloc from its SQLite file to PostgreSQL (npm run admin -- db copy --to …):
 * every table, ids and history kept, in the schema's order (a table comes after
 * those it refers to), then PostgreSQL's id sequences set past the copied ids, and
 * the row counts compared. Evidence files stay where they are: the rows name them.
 */

/** Rows of a running process, not data: the copy's bot makes its own. */
const RUNTIME_TABLES = new Set<string>(["Lease", "Instance"]);

/** Tables whose primary key is not an `id` number (read in key order, not by id ranges). */
const OTHER_KEYS: Record<string, string[]> = {
  ConversationState: ["key"],
  ReminderMark: ["key"],
  BallotVoter: ["ballotId", "round", "unitId"],
  BallotCount: ["ballotId", "round", "candidateId"],
  BallotRound: ["ballotId", "round"],
};

const PAGE = 1000;

/** The copied tables, in the schema's (dependency) order. */
export const COPIED_TABLES = Object.values(Prisma.ModelName).filter(
  (name) => !RUNTIME_TABLES.has(name),
);

interface Delegate {
  count(): Promise<number>;
  findMany(args: Record<string, unknown>): Promise<Record<string, unknown>[]>;
  createMany(args: { data: Record<string, unknown>[] }): Promise<unknown>;
}

const delegate = (db: Db, table: string) =>
  (db as unknown as Record<string, Delegate>)[
    table.charAt(0).toLowerCase() + table.slice(1)
  ] as Delegate;

export class CopyRefused extends Error {
  override name = "CopyRefused";
}

export interface CopiedTable {
  table: string;
  source: number;
  target: number;
}

/** Copies every table from `source` into the empty, migrated PostgreSQL `target`. */
export async function copyDatabase(
  source: Db,
  target: Db,
  progress: (table: string, rows: number) => void = () => {},
): Promise<CopiedTable[]> {
  for (const table of COPIED_TABLES) {
    const rows = await delegate(target, table).count();
    if (rows > 0) {
      throw new CopyRefused(
        `the target already has data (${rows} rows in ${table}): copy into a new, empty database`,
      );
    }
  }
  for (const table of COPIED_TABLES) {
    let copied = 0;
    for await (const page of pages(delegate(source, table), table)) {
      await delegate(target, table).createMany({ data: page });
      copied += page.length;
    }
    progress(table, copied);
  }
  for (const table of COPIED_TABLES) {
    if (OTHER_KEYS[table]) continue;
    // The next id PostgreSQL hands out must come after the copied ones.
    await target.$executeRawUnsafe(
      `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), COALESCE((SELECT MAX("id") FROM "${table}"), 0) + 1, false)`,
    );
  }
  const counts: CopiedTable[] = [];
  for (const table of COPIED_TABLES) {
    counts.push({
      table,
      source: await delegate(source, table).count(),
      target: await delegate(target, table).count(),
    });
  }
  const differing = counts.filter((c) => c.source !== c.target);
  if (differing.length > 0) {
    throw new CopyRefused(
      `row counts differ after the copy: ${differing.map((c) => `${c.table} ${c.source} → ${c.target}`).join(", ")}`,
    );
  }
  return counts;
}

/** A table's rows, a page at a time, in key order. */
async function* pages(from: Delegate, table: string): AsyncIterable<Record<string, unknown>[]> {
  const keys = OTHER_KEYS[table];
  if (keys) {
    for (let skip = 0; ; skip += PAGE) {
      const page = await from.findMany({
        orderBy: keys.map((k) => ({ [k]: "asc" })),
        skip,
        take: PAGE,
      });
      if (page.length === 0) return;
      yield page;
    }
  }
  let after = 0;
  for (;;) {
    const page = await from.findMany({
      where: { id: { gt: after } },
      orderBy: { id: "asc" },
      take: PAGE,
    });
    if (page.length === 0) return;
    after = Number(page[page.length - 1]?.id);
    yield page;
  }
}
