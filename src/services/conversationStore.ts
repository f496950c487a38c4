import type { Clock } from "../core/clock.ts";
import type { ConversationState } from "../core/conversation.ts";
import type { Choice } from "../core/outbound.ts";
import type { StoredConversation } from "../core/router.ts";
import type { Db } from "../db/client.ts";

export type { ConversationState };

interface StoredData {
  data: unknown;
  choices: Choice[];
}

/** Conversation state in the database, so a restart does not lose a half-filled form. */
export class ConversationStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async load(key: string, now: Date): Promise<ConversationState | null> {
    return this.parse(await this.db.conversationState.findUnique({ where: { key } }), now);
  }

  /** A stored row as the router uses it; null when there is none or it expired. */
  parse(row: StoredConversation | null, now: Date): ConversationState | null {
    if (!row || row.expiresAt <= now) return null;
    const stored = JSON.parse(row.data) as StoredData;
    return { flow: row.flow, step: row.step, data: stored.data, choices: stored.choices ?? [] };
  }

  /*
   * Plain SQL (one statement, no ORM): every step of a numbered conversation, what
   * officers on Zalo do most, saves or clears the state once.
   */
  async save(key: string, state: ConversationState, expiresAt: Date): Promise<void> {
    const data = JSON.stringify({ data: state.data, choices: state.choices } satisfies StoredData);
    const now = this.clock.now();
    await this.db.$executeRaw`
      INSERT INTO "ConversationState" ("key", "flow", "step", "data", "expiresAt", "updatedAt")
      VALUES (${key}, ${state.flow}, ${state.step}, ${data}, ${expiresAt}, ${now})
      ON CONFLICT ("key") DO UPDATE SET "flow" = excluded."flow", "step" = excluded."step",
        "data" = excluded."data", "expiresAt" = excluded."expiresAt",
        "updatedAt" = excluded."updatedAt"`;
  }

  async clear(key: string): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "ConversationState" WHERE "key" = ${key}`;
  }
}
