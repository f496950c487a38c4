import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openFreshDatabase } from "../../test/helpers/testDatabase.ts";
import type { Db } from "./client.ts";
import { isUniqueViolation } from "./errors.ts";
import { insertRows } from "./insertRows.ts";

let close: () => Promise<void>;
let db: Db;

beforeEach(async () => {
  ({ db: db, close } = await openFreshDatabase());
});

afterEach(() => close());

describe("many rows written at once (a reminder fan-out)", () => {
  it("reads back as the ORM wrote it, across several statements, and a repeated key is a unique violation", async () => {
    const at = new Date("2026-03-02T10:01:00.000Z");
    const keys = Array.from({ length: 6_000 }, (_, i) => `r:${i}`);
    await insertRows(
      db,
      "ReminderMark",
      ["key", "createdAt"],
      keys.map((key) => ({ key, createdAt: at })),
    );
    await db.reminderMark.create({ data: { key: "by the ORM", createdAt: at } });
    expect(await db.reminderMark.count()).toBe(6_001);
    // Dates compare the same whichever way they were written.
    expect(await db.reminderMark.count({ where: { createdAt: at } })).toBe(6_001);
    expect(await db.reminderMark.count({ where: { createdAt: { gt: at } } })).toBe(0);
    const error = await insertRows(
      db,
      "ReminderMark",
      ["key", "createdAt"],
      [{ key: "r:17", createdAt: at }],
    ).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await db.reminderMark.count()).toBe(6_001);
  });

  it("skips the rows whose key is already there when asked, and answers how many went in", async () => {
    const at = new Date("2026-03-02T10:01:00.000Z");
    const rows = (keys: string[]) => keys.map((key) => ({ key, createdAt: at }));
    expect(await insertRows(db, "ReminderMark", ["key", "createdAt"], rows(["a", "b"]))).toBe(2);
    const added = await insertRows(
      db,
      "ReminderMark",
      ["key", "createdAt"],
      rows(["b", "c", "a", "d"]),
      { skipConflictsOn: ["key"] },
    );
    expect(added).toBe(2);
    const marks = await db.reminderMark.findMany({ orderBy: { key: "asc" } });
    expect(marks.map((m) => m.key)).toEqual(["a", "b", "c", "d"]);
  });
});
