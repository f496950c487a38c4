import type { Clock } from "../core/clock.ts";
import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";

/**
 * Named leases in the database, the one way instances divide work that only one
 * may do at a time. Taking one is a conditional update (held by nobody alive, or
 * by us) and, for a name never used, an insert that loses to a concurrent one on
 * the primary key: atomic on SQLite and PostgreSQL alike, no provider SQL.
 */
export class Leases {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly holder: string,
  ) {}

  /** Takes or extends `name` for `ttlMs`; false when another holder's lease runs. */
  async tryHold(name: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + ttlMs);
    const { count } = await this.db.lease.updateMany({
      where: { name, OR: [{ holder: this.holder }, { until: { lt: now } }] },
      data: { holder: this.holder, until },
    });
    if (count === 1) return true;
    try {
      await this.db.lease.create({ data: { name, holder: this.holder, until } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
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
