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
