import type { Db } from "../../db/client.ts";

/** One line of a campaign's history: who changed what, and when. */
export interface HistoryEntry {
  at: Date;
  /** The member's name, or "operator". */
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

/**
 * A campaign's audit lines, newest first, with the names of the members who wrote them:
 * the campaign page shows them as its history. The caller has checked the campaign is
 * the bloc's.
 */
export async function campaignHistory(
  db: Db,
  blocId: number,
  campaignId: number,
): Promise<HistoryEntry[]> {
  // A bloc's campaign events are few (tens a month); the JSON is read here, not matched in SQL.
  const rows = await db.auditEvent.findMany({
    where: { blocId, action: { startsWith: "campaign." } },
    orderBy: { id: "desc" },
    take: 2000,
  });
  const mine = rows.flatMap((row) => {
    const details = parseDetails(row.details);
    return details.campaignId === campaignId ? [{ ...row, details }] : [];
  });
  const memberIds = [
    ...new Set(mine.map((r) => Number(/^member:(\d+)$/.exec(r.actor)?.[1])).filter(Boolean)),
  ];
  // The people who edit a bloc's campaigns are its few leads: a short list of ids.
  const names = new Map(
    (
      await db.member.findMany({
        where: { blocId, id: { in: memberIds.slice(0, 200) } },
        select: { id: true, displayName: true },
      })
    ).map((m) => [`member:${m.id}`, m.displayName]),
  );
  return mine.map((r) => ({
    at: r.at,
    actor: names.get(r.actor) ?? r.actor,
    action: r.action,
    details: r.details,
  }));
}

function parseDetails(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
