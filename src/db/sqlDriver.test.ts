import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openFreshDatabase } from "../../test/helpers/testDatabase.ts";
import type { Db } from "./client.ts";
import { isUniqueViolation } from "./errors.ts";
import { dateOf } from "./rawValues.ts";
import { UnitOfWork } from "./unitOfWork.ts";

let close: () => Promise<void>;
let base: Db;
let unit: UnitOfWork;

beforeEach(async () => {
  ({ db: base, close } = await openFreshDatabase());
  unit = new UnitOfWork(base);
});

afterEach(() => close());

const names = async () => (await base.bloc.findMany({ orderBy: { id: "asc" } })).map((b) => b.name);

describe("plain SQL through the direct driver", () => {
  it("writes and reads dates as Prisma does, whatever the server's time zone", async () => {
    const zone = process.env.TZ;
    // A server set to Vietnam's time must not shift stored times by seven hours.
    process.env.TZ = "Asia/Ho_Chi_Minh";
    try {
      const at = new Date("2026-12-03T01:02:03.456Z");
      await unit.db.$executeRaw`
        INSERT INTO "Bloc" ("name", "timezone", "createdAt") VALUES (${"Khối A"}, ${"UTC"}, ${at})`;
      const byPrisma = await base.bloc.findFirstOrThrow({ where: { name: "Khối A" } });
      expect(byPrisma.createdAt.toISOString()).toBe(at.toISOString());
      const later = new Date("2026-12-04T00:00:00.000Z");
      await base.bloc.create({ data: { name: "Khối B", createdAt: later } });
      const rows = await unit.db.$queryRaw<{ name: string; createdAt: Date | string }[]>`
        SELECT "name", "createdAt" FROM "Bloc" WHERE "createdAt" > ${at} ORDER BY "id"`;
      expect(rows.map((r) => [r.name, dateOf(r.createdAt).toISOString()])).toEqual([
        ["Khối B", later.toISOString()],
      ]);
      // Bound as Prisma binds them: a stored time equals the same time given again.
      const same = await unit.db.$queryRaw<{ name: string }[]>`
        SELECT "name" FROM "Bloc" WHERE "createdAt" = ${later}`;
      expect(same.map((r) => r.name)).toEqual(["Khối B"]);
    } finally {
      process.env.TZ = zone;
    }
  });

  it("reports a unique-key violation as one, and changes nothing", async () => {
    await base.inboundUpdate.create({
      data: { platform: "zalo", updateKey: "u1", payload: "{}", receivedAt: new Date() },
    });
    const again = unit.db.$executeRaw`
      INSERT INTO "InboundUpdate" ("platform", "updateKey", "payload", "receivedAt")
      VALUES (${"zalo"}, ${"u1"}, ${"{}"}, ${new Date()})`;
    const error = await again.catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await base.inboundUpdate.count()).toBe(1);
  });

  it("inside a unit of work, is part of its transaction: a throw rolls it back", async () => {
    const failing = unit.run(async () => {
      await unit.db.$executeRaw`INSERT INTO "Bloc" ("name", "timezone") VALUES (${"in"}, ${"UTC"})`;
      // Read back inside the same transaction, before it commits.
      const seen = await unit.db.$queryRaw<{ name: string }[]>`SELECT "name" FROM "Bloc"`;
      expect(seen.map((r) => r.name)).toEqual(["in"]);
      throw new Error("refused");
    });
    await expect(failing).rejects.toThrow("refused");
    expect(await names()).toEqual([]);
  });

  it("a write that answers rows (RETURNING) opens the unit's transaction, so it rolls back too", async () => {
    const failing = unit.run(async () => {
      const rows = await unit.db.$queryRaw<{ id: number }[]>`
        INSERT INTO "Bloc" ("name", "timezone") VALUES (${"in"}, ${"UTC"}) RETURNING "id"`;
      expect(rows).toHaveLength(1);
      expect(unit.wrote).toBe(true);
      throw new Error("refused");
    });
    await expect(failing).rejects.toThrow("refused");
    expect(await names()).toEqual([]);
  });

  it("outside a transaction, waits for another's end and is not undone by its rollback", async () => {
    let letGo: () => void = () => {};
    const hold = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const failing = unit.run(async () => {
      await unit.db.bloc.create({ data: { name: "rolled back" } });
      await hold;
      throw new Error("refused");
    });
    await new Promise((r) => setTimeout(r, 20));
    // e.g. the webhook storing an update while a handler's transaction is open
    const outside = unit.db.$executeRaw`
      INSERT INTO "Bloc" ("name", "timezone") VALUES (${"kept"}, ${"UTC"})`;
    letGo();
    await expect(failing).rejects.toThrow("refused");
    expect(await outside).toBe(1);
    expect(await names()).toEqual(["kept"]);
  });

  it("in a service's own transaction outside any unit, commits and rolls back with it", async () => {
    await unit.db.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO "Bloc" ("name", "timezone") VALUES (${"kept"}, ${"UTC"})`;
    });
    const failing = unit.db.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO "Bloc" ("name", "timezone") VALUES (${"gone"}, ${"UTC"})`;
      throw new Error("refused");
    });
    await expect(failing).rejects.toThrow("refused");
    expect(await names()).toEqual(["kept"]);
  });
});
