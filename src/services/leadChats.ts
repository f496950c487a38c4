import type { Db } from "../db/client.ts";

/**
 * The private chats where leads can be reached (one bloc's, or every bloc's), each
 * with the lead behind it: reminders' summaries and alerts go there.
 */
export async function leadPrivateChats(db: Db, blocId?: number) {
  const leads = await db.member.findMany({
    where: { role: "LEAD", ...(blocId === undefined ? {} : { blocId }) },
    include: { accounts: true },
  });
  const chats = await db.chat.findMany({
    where: {
      kind: "PRIVATE",
      active: true,
      OR: leads.flatMap((m) =>
        m.accounts.map((a) => ({ platform: a.platform, platformChatId: a.platformUserId })),
      ),
    },
  });
  return chats.map((chat) => ({
    chat,
    lead: leads.find((m) =>
      m.accounts.some(
        (a) => a.platform === chat.platform && a.platformUserId === chat.platformChatId,
      ),
    ),
  }));
}
