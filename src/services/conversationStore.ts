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
  constructor(private readonly db: Db) {}

  async load(key: string, now: Date): Promise<ConversationState | null> {
    return this.parse(await this.db.conversationState.findUnique({ where: { key } }), now);
  }

  /** A stored row as the router uses it; null when there is none or it expired. */
  parse(row: StoredConversation | null, now: Date): ConversationState | null {
    if (!row || row.expiresAt <= now) return null;
    const stored = JSON.parse(row.data) as StoredData;
    return { flow: row.flow, step: row.step, data: stored.data, choices: stored.choices ?? [] };
  }

  async save(key: string, state: ConversationState, expiresAt: Date): Promise<void> {
    const data = JSON.stringify({ data: state.data, choices: state.choices } satisfies StoredData);
    await this.db.conversationState.upsert({
      where: { key },
      create: { key, flow: state.flow, step: state.step, data, expiresAt },
      update: { flow: state.flow, step: state.step, data, expiresAt },
    });
  }

  async clear(key: string): Promise<void> {
    await this.db.conversationState.deleteMany({ where: { key } });
  }
}
