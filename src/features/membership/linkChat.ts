import type { ChatRef } from "../../core/inbound.ts";
import type { Prisma } from "../../db/client.ts";

/** Links a chat to a bloc and unit (creating it on first contact), and marks it active. */
export async function linkChat(
  tx: Prisma.TransactionClient,
  chat: ChatRef,
  link: { blocId: number; unitId: number | null },
): Promise<void> {
  const fields = { ...link, active: true };
  await tx.chat.upsert({
    where: {
      platform_platformChatId: { platform: chat.platform, platformChatId: chat.platformChatId },
    },
    create: {
      platform: chat.platform,
      platformChatId: chat.platformChatId,
      kind: chat.kind,
      ...fields,
    },
    update: fields,
  });
}
