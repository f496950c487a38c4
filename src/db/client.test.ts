import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./client.ts";
import { applyMigrations } from "./schemaEngine.ts";

describe("the SQLite client", () => {
  it("keeps a write made elsewhere while a transaction is open out of that transaction's rollback", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "thidua-db-")), "t.db");
    await applyMigrations({ target: { provider: "sqlite", file } });
    const db = await openDatabase({ provider: "sqlite", file });
    const failing = db.$transaction(async (tx) => {
      await tx.bloc.create({ data: { name: "inside" } });
      await new Promise((r) => setTimeout(r, 50));
      throw new Error("rolled back");
    });
    await new Promise((r) => setTimeout(r, 10));
    // e.g. the sender marking a delivery sent while the scheduler's transaction runs
    await db.bloc.create({ data: { name: "outside" } });
    await expect(failing).rejects.toThrow("rolled back");
    expect((await db.bloc.findMany()).map((b) => b.name)).toEqual(["outside"]);
    await db.$disconnect();
  });
});

describe("the SQLite statement cache", () => {
  it("answers each query with its own values, past the number of statements it keeps", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "thidua-db-")), "t.db");
    await applyMigrations({ target: { provider: "sqlite", file } });
    const db = await openDatabase({ provider: "sqlite", file });
    for (let i = 0; i < 3; i++) await db.bloc.create({ data: { name: `Khối ${i}` } });
    // The same statement with other values
    for (let i = 0; i < 3; i++) {
      expect((await db.bloc.findUnique({ where: { id: i + 1 } }))?.name).toBe(`Khối ${i}`);
    }
    // More distinct statements than are kept (500): older ones are prepared again.
    for (let i = 0; i < 600; i++) {
      const rows = await db.$queryRawUnsafe<{ n: bigint | number }[]>(
        `SELECT COUNT(*) + ${i} AS n FROM "Bloc" WHERE "id" <= ?`,
        2,
      );
      expect(Number(rows[0]?.n)).toBe(2 + i);
    }
    expect((await db.bloc.findUnique({ where: { id: 3 } }))?.name).toBe("Khối 2");
    await db.$disconnect();
  });
});
