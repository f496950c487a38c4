import type { Db } from "../../src/db/client.ts";

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
