import type { Db } from "../../src/db/client.ts";
import type { AnnouncementService } from "../../src/features/announcements/service.ts";

/**
 * Many focal points who joined on Telegram, each with their private chat, spread
 * over the demo bloc's seven units: what an announcement to the bloc reaches.
 */
export async function telegramFocalPoints(db: Db, count: number, firstId: number): Promise<void> {
  const ids = Array.from({ length: count }, (_, i) => String(firstId + i));
  const members = await db.member.createManyAndReturn({
    data: ids.map((id, i) => ({
      blocId: 1,
      unitId: 1 + (i % 7),
      role: "FOCAL",
      displayName: `Đầu mối ${id}`,
    })),
    select: { id: true, unitId: true },
  });
  await db.account.createMany({
    data: members.map((m, i) => ({
      memberId: m.id,
      platform: "telegram",
      platformUserId: ids[i] ?? "",
    })),
  });
  await db.chat.createMany({
    data: members.map((m, i) => ({
      platform: "telegram",
      platformChatId: ids[i] ?? "",
      kind: "PRIVATE",
      blocId: 1,
      unitId: m.unitId,
    })),
  });
}

/** The operator announces `text` to the whole demo bloc from Lan's chat; answers its id and the Telegram deliveries. */
export async function announceToBloc(db: Db, announcements: AnnouncementService, text: string) {
  const leadChat = await db.chat.findFirstOrThrow({ where: { platformChatId: "501" } });
  const { id } = await announcements.create({
    blocId: 1,
    actor: "operator",
    leadChatId: leadChat.id,
    text,
    photoKey: null,
    audience: { units: "all" },
  });
  const targets = await db.delivery.count({ where: { announcementId: id, platform: "telegram" } });
  return { id, targets };
}
