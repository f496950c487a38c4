import type { Clock } from "../core/clock.ts";
import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";

/**
 * Webhook updates are written here before the platform is answered, so a crash
 * after "200 OK" loses nothing: unprocessed rows are handled on the next start.
 * A redelivered update hits the unique key and is dropped.
 */
export class Inbox {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Stores an update; false when it was already stored (a redelivery). */
  async record(platform: string, updateKey: string, payload: unknown): Promise<boolean> {
    try {
      await this.db.inboundUpdate.create({
        data: {
          platform,
          updateKey,
          payload: JSON.stringify(payload),
          receivedAt: this.clock.now(),
        },
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** The oldest unprocessed updates of a platform, in arrival order. */
  pending(platform: string, take = 50) {
    return this.db.inboundUpdate.findMany({
      where: { platform, processedAt: null, attempts: { lt: 5 } },
      orderBy: { id: "asc" },
      take,
    });
  }

  async done(id: number): Promise<void> {
    await this.db.inboundUpdate.update({ where: { id }, data: { processedAt: this.clock.now() } });
  }

  async failed(id: number): Promise<void> {
    await this.db.inboundUpdate.update({ where: { id }, data: { attempts: { increment: 1 } } });
  }
}

/**
 * Handles the stored updates of one platform, single flight: each chat's updates in
 * arrival order, several chats at once. `drain()` may be called at any time; a
 * call during a pass makes the pass look again before it ends.
 */
export class InboxDrainer {
  #draining: Promise<void> | null = null;
  #again = false;

  constructor(
    private readonly inbox: Inbox,
    private readonly platform: string,
    private readonly handle: (payload: string) => Promise<void>,
    private readonly chatOf: (payload: string) => string,
    private readonly onError: (error: unknown, updateKey: string) => void,
    private readonly concurrency = 8,
  ) {}

  drain(): void {
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = this.#run().finally(() => {
      this.#draining = null;
    });
  }

  /** Resolves when the current pass (if any) is over. */
  async idle(): Promise<void> {
    await this.#draining;
  }

  async #run(): Promise<void> {
    do {
      this.#again = false;
      for (
        let rows = await this.inbox.pending(this.platform, 200);
        rows.length > 0;
        rows = await this.inbox.pending(this.platform, 200)
      ) {
        const byChat = new Map<string, typeof rows>();
        for (const row of rows) {
          const key = this.chatOf(row.payload);
          byChat.set(key, [...(byChat.get(key) ?? []), row]);
        }
        const chats = [...byChat.values()];
        let next = 0;
        const worker = async () => {
          while (next < chats.length) {
            for (const row of chats[next++] ?? []) await this.#handleOne(row);
          }
        };
        await Promise.all(Array.from({ length: Math.min(this.concurrency, chats.length) }, worker));
      }
    } while (this.#again);
  }

  async #handleOne(row: { id: number; updateKey: string; payload: string }): Promise<void> {
    try {
      await this.handle(row.payload);
      await this.inbox.done(row.id);
    } catch (error) {
      this.onError(error, row.updateKey);
      await this.inbox.failed(row.id);
    }
  }
}
