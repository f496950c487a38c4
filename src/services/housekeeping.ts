import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DAY } from "../core/clock.ts";
import type { Db } from "../db/client.ts";

/**
 * Forgets what only mattered for a while: update claims and handled updates
 * (platforms stop redelivering after a day), updates given up (kept 30 days for the
 * operator), failed invite tries, expired forms and link codes. Run hourly, so these tables stay as small as a day or a week of traffic.
 */
export async function pruneExpired(
  db: Db,
  now: Date,
  exportsDir?: string,
): Promise<Record<string, number>> {
  const weekAgo = new Date(now.getTime() - 7 * DAY);
  const dayAgo = new Date(now.getTime() - DAY);
  const [inbox, tries, forms, links] = await Promise.all([
    db.inboundUpdate.deleteMany({
      where: {
        OR: [
          { status: "DONE", processedAt: { lt: weekAgo } },
          { status: "FAILED", receivedAt: { lt: new Date(now.getTime() - 30 * DAY) } },
        ],
      },
    }),
    db.joinAttempt.deleteMany({ where: { at: { lt: dayAgo } } }),
    db.conversationState.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.linkCode.deleteMany({ where: { expiresAt: { lt: dayAgo } } }),
  ]);
  return {
    ...(exportsDir ? { exports: pruneExports(exportsDir, now) } : {}),
    inboundUpdates: inbox.count,
    joinAttempts: tries.count,
    conversations: forms.count,
    linkCodes: links.count,
  };
}

/** Export folders (named by their creation time) are kept two days, long enough to send them. */
function pruneExports(dir: string, now: Date): number {
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const created = Number(name.split("-")[0]);
    if (Number.isFinite(created) && created < now.getTime() - 2 * DAY) {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
