import type { Clock } from "../core/clock.ts";
import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";

/**
 * Named leases in the database, the one way instances divide work that only one
 * may do at a time. Taking one is a conditional update (run out, held by an
 * instance gone, or by us) and, for a name never used, an insert that loses to a
 * concurrent one on the primary key: atomic on SQLite and PostgreSQL alike, no
 * provider SQL.
 */
export class Leases {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly holder: string,
    /**
     * The instances alive (by heartbeat), whose leases stand even before they run
     * out: a killed instance's leases are taken over as soon as it is seen gone,
     * not only when they expire. Null until the heartbeat has run.
     */
    private readonly alive: () => string[] | null = () => null,
  ) {}

  /**
   * Takes or extends `name` for `ttlMs` once it is free by time alone (never from an
   * instance merely seen gone: a poller must be sure the last one has stopped).
   */
  async tryHold(name: string, ttlMs: number): Promise<boolean> {
    return (await this.tryHoldAll([name], ttlMs, false)).has(name);
  }

  /**
   * Takes or extends each of `names` that is free (never used, run out, or held by
   * an instance no longer alive) or ours; answers those we hold. Two statements
   * for any number of names, one more per name never used before.
   */
  async tryHoldAll(names: string[], ttlMs: number, fromGone = true): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const now = this.clock.now();
    const until = new Date(now.getTime() + ttlMs);
    const alive = fromGone ? this.alive() : null;
    await this.db.lease.updateMany({
      where: {
        name: { in: names },
        OR: [
          { holder: this.holder },
          { until: { lt: now } },
          ...(alive ? [{ holder: { notIn: alive } }] : []),
        ],
      },
      data: { holder: this.holder, until },
    });
    const rows = await this.db.lease.findMany({
      where: { name: { in: names } },
      select: { name: true, holder: true },
    });
    const held = new Set(rows.filter((r) => r.holder === this.holder).map((r) => r.name));
    const known = new Set(rows.map((r) => r.name));
    for (const name of names.filter((n) => !known.has(n))) {
      try {
        await this.db.lease.create({ data: { name, holder: this.holder, until } });
        held.add(name);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    return held;
  }

  /** Extends the leases of `names` still ours; answers those we still hold. */
  async renew(names: string[], ttlMs: number): Promise<number> {
    if (names.length === 0) return 0;
    const { count } = await this.db.lease.updateMany({
      where: { name: { in: names }, holder: this.holder },
      data: { until: new Date(this.clock.now().getTime() + ttlMs) },
    });
    return count;
  }

  /** Gives leases back at once (the row stays, expired, for the next taker's update). */
  async release(names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db.lease.updateMany({
      where: { name: { in: names }, holder: this.holder },
      data: { until: new Date(0) },
    });
  }
}
