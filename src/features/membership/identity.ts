import type { Actor, KnownChat } from "../../core/context.ts";
import type { InboundEvent } from "../../core/inbound.ts";
import { languageSchema, roleSchema } from "../../core/roles.ts";
import { conversationKey, type Identity } from "../../core/router.ts";
import { type Db, sqlFragment } from "../../db/client.ts";
import { dateOf, idOrNull } from "../../db/rawValues.ts";

/**
 * Finds the chat and the member behind an event, both null for a stranger, in one
 * statement (every update asks this: it was two, the chat and the member apart).
 */
export async function identify(db: Db, event: InboundEvent): Promise<Identity> {
  const rows = await db.$queryRaw<(Partial<ActorRow> & ChatRow & ConversationRow)[]>`
    SELECT c."id" AS "chatId", c."blocId" AS "chatBlocId", c."unitId" AS "chatUnitId",
           c."active" AS "chatActive",
           s."flow" AS "flow", s."step" AS "step", s."data" AS "data", s."expiresAt" AS "expiresAt",
           ${ACTOR_COLUMNS}
    FROM (SELECT 1 AS "one") AS "q"
    LEFT JOIN "Chat" c
      ON c."platform" = ${event.chat.platform} AND c."platformChatId" = ${event.chat.platformChatId}
    LEFT JOIN "Member" m
      ON m."removedAt" IS NULL AND m."id" = (
        SELECT a."memberId" FROM "Account" a
        WHERE a."platform" = ${event.chat.platform} AND a."platformUserId" = ${event.from.platformUserId})
    LEFT JOIN "Bloc" b ON b."id" = m."blocId"
    LEFT JOIN "Unit" u ON u."id" = m."unitId"
    LEFT JOIN "ConversationState" s ON s."key" = ${conversationKey(event)}`;
  const row = rows[0];
  const chatId = row?.chatId ?? null;
  if (row && chatId !== null && !row.chatActive) {
    // The chat blocked the bot once; writing again makes it reachable again.
    await db.chat.update({ where: { id: Number(chatId) }, data: { active: true } });
  }
  const chat: KnownChat | null =
    row && chatId !== null
      ? {
          id: Number(chatId),
          blocId: idOrNull(row.chatBlocId),
          unitId: idOrNull(row.chatUnitId),
        }
      : null;
  const conversation =
    row?.flow == null || row.step == null || row.data == null || row.expiresAt == null
      ? null
      : { flow: row.flow, step: row.step, data: row.data, expiresAt: dateOf(row.expiresAt) };
  return { actor: row?.memberId == null ? null : toActor(row as ActorRow), chat, conversation };
}

interface ConversationRow {
  flow: string | null;
  step: string | null;
  data: string | null;
  /** A Date through PostgreSQL; SQLite's driver may answer the stored text or number. */
  expiresAt: Date | string | number | null;
}

interface ChatRow {
  chatId: number | bigint | null;
  chatBlocId: number | bigint | null;
  chatUnitId: number | bigint | null;
  /** SQLite answers 0/1, PostgreSQL a boolean. */
  chatActive: boolean | number | null;
}

const ACTOR_COLUMNS = sqlFragment`
  m."id" AS "memberId", m."displayName" AS "displayName", m."role" AS "role",
  m."blocId" AS "blocId", b."name" AS "blocName", b."timezone" AS "timezone",
  m."unitId" AS "unitId", u."name" AS "unitName", m."language" AS "language",
  b."campaignsVersion" AS "campaignsVersion"`;

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
  campaignsVersion: number | bigint;
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
    SELECT ${ACTOR_COLUMNS}
    FROM "Member" m
    JOIN "Bloc" b ON b."id" = m."blocId"
    LEFT JOIN "Unit" u ON u."id" = m."unitId"
    WHERE m."removedAt" IS NULL AND m."id" = COALESCE(${memberId}, (
      SELECT a."memberId" FROM "Account" a
      WHERE a."platform" = ${platform} AND a."platformUserId" = ${userId}))`;
  const row = rows[0];
  return row ? toActor(row) : null;
}

function toActor(row: ActorRow): Actor {
  return {
    memberId: Number(row.memberId),
    displayName: row.displayName,
    role: roleSchema.parse(row.role),
    blocId: Number(row.blocId),
    blocName: row.blocName,
    timezone: row.timezone,
    unitId: idOrNull(row.unitId),
    unitName: row.unitName,
    language: languageSchema.catch("vi").parse(row.language),
    campaignsVersion: Number(row.campaignsVersion),
  };
}

/** The member behind a dashboard session, as chat handlers see them; null once removed. */
export const actorById = (db: Db, memberId: number) => findActor(db, { memberId });
