import type { Db } from "../db/client.ts";

interface ChatLike {
  platform: string;
  platformChatId: string;
  kind: string;
}

/**
 * Drops the private chats of members who asked for their notices on another app
 * (/notify). Group chats and chats of people the bot does not know are kept.
 */
export async function preferredChats<T extends ChatLike>(db: Db, chats: T[]): Promise<T[]> {
  const privates = chats.filter((c) => c.kind === "PRIVATE");
  if (privates.length === 0) return chats;
  const accounts = await db.account.findMany({
    where: {
      OR: privates.map((c) => ({ platform: c.platform, platformUserId: c.platformChatId })),
    },
    select: { platform: true, platformUserId: true, member: { select: { notifyVia: true } } },
  });
  const via = new Map(
    accounts.map((a) => [`${a.platform}:${a.platformUserId}`, a.member.notifyVia]),
  );
  return chats.filter((c) => {
    if (c.kind !== "PRIVATE") return true;
    const preference = via.get(`${c.platform}:${c.platformChatId}`) ?? "both";
    return preference === "both" || preference === c.platform;
  });
}
