import type { Actor, KnownChat } from "../../core/context.ts";
import type { InboundEvent } from "../../core/inbound.ts";
import { languageSchema, roleSchema } from "../../core/roles.ts";
import type { Identity } from "../../core/router.ts";
import type { Db } from "../../db/client.ts";

/** Finds the chat and the member behind an event; both null for a stranger. */
export async function identify(db: Db, event: InboundEvent): Promise<Identity> {
  const [chatRow, account] = await Promise.all([
    db.chat.findUnique({
      where: {
        platform_platformChatId: {
          platform: event.chat.platform,
          platformChatId: event.chat.platformChatId,
        },
      },
      select: { id: true, blocId: true, unitId: true, active: true },
    }),
    findActor(db, { platform: event.chat.platform, userId: event.from.platformUserId }),
  ]);
  if (chatRow && !chatRow.active) {
    // The chat blocked the bot once; writing again makes it reachable again.
    await db.chat.update({ where: { id: chatRow.id }, data: { active: true } });
  }
  const chat: KnownChat | null = chatRow
    ? { id: chatRow.id, blocId: chatRow.blocId, unitId: chatRow.unitId }
    : null;
  return { actor: account, chat };
}

interface ActorRow {
  memberId: number | bigint;
  displayName: string;
  role: string;
  blocId: number | bigint;
  blocName: string;
  timezone: string;
  unitId: number | bigint | null;
  unitName: string | null;
  language: string;
}

/**
 * A member as handlers see them (with their bloc and unit), found by id or by a
 * platform account, in one statement — every update asks this; through the ORM's
 * includes it was four. Plain SQL that SQLite and PostgreSQL read alike. A removed
 * member is nobody.
 */
async function findActor(
  db: Db,
  by: { memberId: number } | { platform: string; userId: string },
): Promise<Actor | null> {
  const memberId = "memberId" in by ? by.memberId : null;
  const platform = "platform" in by ? by.platform : null;
  const userId = "userId" in by ? by.userId : null;
  const rows = await db.$queryRaw<ActorRow[]>`
    SELECT m."id" AS "memberId", m."displayName" AS "displayName", m."role" AS "role",
           m."blocId" AS "blocId", b."name" AS "blocName", b."timezone" AS "timezone",
           m."unitId" AS "unitId", u."name" AS "unitName", m."language" AS "language"
    FROM "Member" m
    JOIN "Bloc" b ON b."id" = m."blocId"
    LEFT JOIN "Unit" u ON u."id" = m."unitId"
    WHERE m."removedAt" IS NULL AND m."id" = COALESCE(${memberId}, (
      SELECT a."memberId" FROM "Account" a
      WHERE a."platform" = ${platform} AND a."platformUserId" = ${userId}))`;
  const row = rows[0];
  if (!row) return null;
  return {
    memberId: Number(row.memberId),
    displayName: row.displayName,
    role: roleSchema.parse(row.role),
    blocId: Number(row.blocId),
    blocName: row.blocName,
    timezone: row.timezone,
    unitId: row.unitId === null ? null : Number(row.unitId),
    unitName: row.unitName,
    language: languageSchema.catch("vi").parse(row.language),
  };
}

/** The member behind a dashboard session, as chat handlers see them; null once removed. */
export const actorById = (db: Db, memberId: number) => findActor(db, { memberId });
