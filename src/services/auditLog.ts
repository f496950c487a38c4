import type { Db } from "../db/client.ts";

/** "operator" for the terminal, "member:<id>" for a person in chat. */
export type AuditActor = "operator" | `member:${number}`;

export const memberActor = (memberId: number): AuditActor => `member:${memberId}`;

/** Records who did what; every change a lead or operator makes passes through here. */
export async function recordAudit(
  db: Pick<Db, "auditEvent">,
  entry: { actor: AuditActor; action: string; blocId?: number | null; details?: object },
): Promise<void> {
  await db.auditEvent.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      blocId: entry.blocId ?? null,
      details: JSON.stringify(entry.details ?? {}),
    },
  });
}
