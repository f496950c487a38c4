/*
 * Broadcast efficiency: 1,000 Telegram chats (one in ten a group) through the real
 * outbox, sender and grammY transport, against the fake Bot API enforcing its limits
 * exactly (overall scaled up to 300 messages per second to keep the run short).
 * Achieved rate ÷ allowed rate, and how many 429s the fake answered.
 */
import { Api } from "grammy";
import { TelegramTransport } from "../../src/adapters/telegram/transport.ts";
import { FakeTelegramApi } from "../../test/fakes/telegramApi.ts";
import { benchApp, report, withPeakRss } from "./common.ts";

const CHATS = 1000;
const LIMITS = { perSecond: 300, perChatIntervalMs: 1000, perGroupPerMinute: 20 };

const fake = await new FakeTelegramApi().start();
fake.limits = LIMITS;
const { app } = await benchApp();
const transport = new TelegramTransport(
  new Api(fake.token, { apiRoot: fake.url }),
  LIMITS,
  async () => {},
  app.services.evidenceStore,
);
await app.services.outbox.enqueue(
  Array.from({ length: CHATS }, (_, i) => ({
    kind: "ANNOUNCEMENT" as const,
    dedupeKey: `bench:${i}`,
    blocId: 1,
    platform: "telegram",
    // One chat in ten is a unit's group, as in a bloc.
    platformChatId: i % 10 === 0 ? String(-100_000 - i) : String(100_000 + i),
    chatKind: i % 10 === 0 ? ("GROUP" as const) : ("PRIVATE" as const),
    chatId: null,
    text: "Thông báo: họp sơ kết 6 tháng lúc 8h ngày 30/6 tại hội trường Tỉnh ủy.",
  })),
);
const { sender } = app.startDelivery([transport]);
const { result: seconds, peakRssMb } = await withPeakRss(async () => {
  const start = performance.now();
  sender.start();
  while ((await app.deps.db.delivery.count({ where: { status: "SENT" } })) < CHATS) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return (performance.now() - start) / 1000;
});
await sender.stop();
const achieved = CHATS / seconds;
report("broadcast", {
  chats: CHATS,
  allowedPerSecond: LIMITS.perSecond,
  seconds: Number(seconds.toFixed(2)),
  achievedPerSecond: Math.round(achieved),
  efficiency: Number((achieved / LIMITS.perSecond).toFixed(3)),
  rateLimited429: fake.rateLimitedChats.length,
  peakRssMb,
});
await fake.stop();
await app.deps.db.$disconnect();
