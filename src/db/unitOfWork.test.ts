import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openFreshDatabase } from "../../test/helpers/testDatabase.ts";
import type { Db } from "./client.ts";
import { UnitOfWork } from "./unitOfWork.ts";

let close: () => Promise<void>;
let base: Db;
let unit: UnitOfWork;
const names = async () => (await base.bloc.findMany({ orderBy: { id: "asc" } })).map((b) => b.name);

beforeEach(async () => {
  ({ db: base, close } = await openFreshDatabase());
  unit = new UnitOfWork(base);
});

afterEach(() => close());

describe("a unit of work (one handled update)", () => {
  it("that only reads opens no transaction, and holds nothing while it waits", async () => {
    const db = unit.db;
    await base.bloc.create({ data: { name: "Khối A" } });
    let letGo: () => void = () => {};
    const slowStep = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const reader = unit.run(async () => {
      const seen = await db.bloc.count();
      // e.g. a photo being decoded and stored before anything is written
      await slowStep;
      return { seen, wrote: unit.wrote };
    });
    // Another chat's update writes and commits while the first one waits.
    await unit.run(async () => {
      await db.bloc.create({ data: { name: "Khối B" } });
    });
    letGo();
    expect(await reader).toEqual({ seen: 1, wrote: false });
    expect(await names()).toEqual(["Khối A", "Khối B"]);
  });

  it("runs after-commit hooks once the writes are visible to other connections, and never after a rollback", async () => {
    const db = unit.db;
    const seen: number[] = [];
    const woken = new Promise<void>((resolve) => {
      void unit.run(async () => {
        await db.bloc.create({ data: { name: "Khối mới" } });
        // What the sender would read from its own connection when woken.
        unit.afterCommit(() => void base.bloc.count().then((n) => seen.push(n) && resolve()));
        expect(seen).toEqual([]);
      });
    });
    await woken;
    expect(seen).toEqual([1]);
    let ranAfterRollback = false;
    await expect(
      unit.run(async () => {
        await db.bloc.create({ data: { name: "bỏ" } });
        unit.afterCommit(() => {
          ranAfterRollback = true;
        });
        throw new Error("the handler failed");
      }),
    ).rejects.toThrow("the handler failed");
    expect(ranAfterRollback).toBe(false);
    // Outside a unit, at once.
    let now = false;
    unit.afterCommit(() => {
      now = true;
    });
    expect(now).toBe(true);
  });

  it("commits every write together, or none when it throws after writing", async () => {
    const db = unit.db;
    await unit.run(async () => {
      await db.bloc.create({ data: { name: "one" } });
      expect(unit.wrote).toBe(true);
      await db.bloc.create({ data: { name: "two" } });
    });
    await expect(
      unit.run(async () => {
        await db.bloc.create({ data: { name: "three" } });
        // A read after the first write sees the unit's own writes.
        expect(await db.bloc.count()).toBe(3);
        throw new Error("the handler failed");
      }),
    ).rejects.toThrow("the handler failed");
    expect(await names()).toEqual(["one", "two"]);
  });

  it("goes on after a service's own transaction fails as its first write, keeping nothing of it", async () => {
    const db = unit.db;
    const outcome = await unit.run(async () => {
      const refused = await db
        .$transaction(async (tx) => {
          await tx.bloc.create({ data: { name: "half done" } });
          throw new Error("campaign closed");
        })
        .catch((error: Error) => error.message);
      const wroteAfterRefusal = unit.wrote;
      await db.bloc.create({ data: { name: "the answer's state" } });
      return { refused, wroteAfterRefusal };
    });
    expect(outcome).toEqual({ refused: "campaign closed", wroteAfterRefusal: false });
    expect(await names()).toEqual(["the answer's state"]);
  });

  it("undoes only a failed service transaction that runs after an earlier write", async () => {
    const db = unit.db;
    await unit.run(async () => {
      await db.bloc.create({ data: { name: "kept" } });
      await db
        .$transaction(async (tx) => {
          await tx.bloc.create({ data: { name: "undone" } });
          throw new Error("refused");
        })
        .catch(() => {});
      await db.bloc.create({ data: { name: "kept too" } });
    });
    expect(await names()).toEqual(["kept", "kept too"]);
  });
});
