import type { Db } from "../db/client.ts";

/** "operator" for the terminal, "member:<id>" for a person in chat. */
export type AuditActor = "operator" | `member:${number}`;

export const memberActor = (memberId: number): AuditActor => `member:${memberId}`;

/**
 * Records who did what; every change a lead or operator makes passes through here.
 * Plain SQL: a photo report writes one, on the hot path. The time is the app's
 * clock's, as every other time the bot stores.
 */
export async function recordAudit(
  db: Pick<Db, "$executeRaw">,
  entry: {
    at: Date;
    actor: AuditActor;
    action: string;
    blocId?: number | null;
    details?: object;
  },
): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "AuditEvent" ("at", "actor", "action", "blocId", "details")
    VALUES (${entry.at}, ${entry.actor}, ${entry.action}, ${entry.blocId ?? null},
            ${JSON.stringify(entry.details ?? {})})`;
}
