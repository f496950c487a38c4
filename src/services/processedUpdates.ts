import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";

/**
 * Invariant 2: a platform update delivered twice is handled once. The claim is a
 * row keyed by platform and update id; the primary key makes a second claim fail.
 */
export class ProcessedUpdates {
  constructor(private readonly db: Db) {}

  /** True when this call claimed the update; false when it was already handled. */
  async claim(platform: string, updateKey: string): Promise<boolean> {
    try {
      await this.db.processedUpdate.create({ data: { platform, updateKey } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Gives the update back after a failure, so that a redelivery is handled. */
  async release(platform: string, updateKey: string): Promise<void> {
    await this.db.processedUpdate.deleteMany({ where: { platform, updateKey } });
  }
}
