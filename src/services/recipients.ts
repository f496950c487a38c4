import type { Language } from "../core/roles.ts";
import type { Db } from "../db/client.ts";
import type { DeliveryKind, NewDelivery } from "../delivery/outbox.ts";

/** One chat a message about a unit goes to, in the language of whoever reads it. */
export interface Recipient {
  chatId: number;
  platform: string;
  platformChatId: string;
  chatKind: "PRIVATE" | "GROUP";
  language: Language;
  /** The unit the chat speaks for; null for a chat of someone with no unit (a lead). */
  unitId: number | null;
}

/**
 * Who hears about a unit:
 * - "everyone" (announcements): its groups and every member's private chat;
 * - "focal" (reminders, review notices): its groups and its focal points' private
 *   chats, unless they muted reminders.
 * A member's private chats are those on the apps they chose with /notify.
 */
export type Circle = "everyone" | "focal";

/**
 * One message to one recipient's chat, for the outbox: `key` names the message, and
 * the chat is added to it, so that deciding twice still sends each chat once.
 */
export const deliveryTo = (
  r: Pick<Recipient, "chatId" | "platform" | "platformChatId" | "chatKind">,
  message: { kind: DeliveryKind; key: string; blocId: number; text: string },
): NewDelivery => ({
  kind: message.kind,
  dedupeKey: `${message.key}:chat:${r.chatId}`,
  blocId: message.blocId,
  platform: r.platform,
  platformChatId: r.platformChatId,
  chatKind: r.chatKind,
  chatId: r.chatId,
  text: message.text,
});

export interface Reach {
  recipients: Recipient[];
  /** Units asked for that no chat reaches: nobody of theirs has joined, or all muted. */
  unreachable: { id: number; name: string }[];
}

/**
 * The one place that decides where messages about units go, for announcements,
 * reminders and review notices alike. `units: "all"` also reaches the chats of
 * members with no unit (the bloc's leads).
 */
export async function reachUnits(
  db: Pick<Db, "unit" | "chat" | "member">,
  blocId: number,
  units: number[] | "all",
  circle: Circle,
  fallbackLanguage: Language,
): Promise<Reach> {
  // The whole bloc is read and the units picked here: a list of thousands of ids in
  // the query would pass the database's parameter limit (5,000 units did).
  const [allUnits, chats, members] = await Promise.all([
    db.unit.findMany({
      where: { blocId },
      select: { id: true, name: true, retiredAt: true },
      orderBy: { id: "asc" },
    }),
    db.chat.findMany({ where: { blocId, active: true }, orderBy: { id: "asc" } }),
    db.member.findMany({
      where: {
        blocId,
        removedAt: null,
        ...(circle === "focal" ? { role: "FOCAL", remindersMuted: false } : {}),
      },
      select: {
        unitId: true,
        language: true,
        notifyVia: true,
        accounts: { select: { platform: true, platformUserId: true } },
      },
    }),
  ]);
  // A retired unit hears nothing more: not its groups, not its members, even if named.
  const retired = new Set(allUnits.filter((u) => u.retiredAt !== null).map((u) => u.id));
  const wanted = new Set(
    (units === "all" ? allUnits.map((u) => u.id) : units).filter((id) => !retired.has(id)),
  );
  const unitRows = allUnits.filter((u) => wanted.has(u.id)).map(({ id, name }) => ({ id, name }));
  const everyone = units === "all";
  const recipients: Recipient[] = [];
  for (const chat of chats) {
    if (chat.kind !== "GROUP" || chat.unitId === null) continue;
    if (!wanted.has(chat.unitId)) continue;
    recipients.push({ ...address(chat), chatKind: "GROUP", language: fallbackLanguage });
  }
  const privateChats = new Map(
    chats.filter((c) => c.kind === "PRIVATE").map((c) => [`${c.platform}:${c.platformChatId}`, c]),
  );
  for (const member of members) {
    // "all" also reaches members with no unit (the leads); a retired unit's members never.
    if (member.unitId === null ? !everyone : !wanted.has(member.unitId)) continue;
    for (const account of member.accounts) {
      if (member.notifyVia !== "both" && member.notifyVia !== account.platform) continue;
      const chat = privateChats.get(`${account.platform}:${account.platformUserId}`);
      if (!chat) continue;
      recipients.push({
        ...address(chat),
        chatKind: "PRIVATE",
        language: member.language as Language,
        unitId: member.unitId,
      });
    }
  }
  const reached = new Set(recipients.map((r) => r.unitId));
  return { recipients, unreachable: unitRows.filter((u) => !reached.has(u.id)) };
}

const address = (chat: {
  id: number;
  platform: string;
  platformChatId: string;
  unitId: number | null;
}) => ({
  chatId: chat.id,
  platform: chat.platform,
  platformChatId: chat.platformChatId,
  unitId: chat.unitId,
});
