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
    db.account.findUnique({
      where: {
        platform_platformUserId: {
          platform: event.chat.platform,
          platformUserId: event.from.platformUserId,
        },
      },
      select: { member: { include: { bloc: true, unit: true } } },
    }),
  ]);
  if (chatRow && !chatRow.active) {
    // The chat blocked the bot once; writing again makes it reachable again.
    await db.chat.update({ where: { id: chatRow.id }, data: { active: true } });
  }
  const chat: KnownChat | null = chatRow
    ? { id: chatRow.id, blocId: chatRow.blocId, unitId: chatRow.unitId }
    : null;
  const member = account?.member;
  return { actor: member ? actorOf(member) : null, chat };
}

type MemberRow = NonNullable<Awaited<ReturnType<typeof findMember>>>;

const findMember = (db: Db, memberId: number) =>
  db.member.findFirst({
    where: { id: memberId, removedAt: null },
    include: { bloc: true, unit: true },
  });

function actorOf(member: MemberRow): Actor {
  return {
    memberId: member.id,
    displayName: member.displayName,
    role: roleSchema.parse(member.role),
    blocId: member.blocId,
    blocName: member.bloc.name,
    timezone: member.bloc.timezone,
    unitId: member.unitId,
    unitName: member.unit?.name ?? null,
    language: languageSchema.catch("vi").parse(member.language),
  };
}

/** The member behind a dashboard session, as chat handlers see them; null once removed. */
export async function actorById(db: Db, memberId: number): Promise<Actor | null> {
  const member = await findMember(db, memberId);
  return member ? actorOf(member) : null;
}
