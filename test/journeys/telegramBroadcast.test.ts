import { afterEach, describe, expect, it } from "vitest";
import type { Sender } from "../../src/delivery/sender.ts";
import { png } from "../helpers/images.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";

// Telegram's limits scaled down so that 50 sends take a few seconds, long enough
// for the lead's progress message to be edited in place at least once.
const LIMITS = { perSecond: 15, perChatIntervalMs: 1000, perChatBurst: 3, perGroupPerMinute: 20 };
const lead = { id: 9000, first_name: "Thường trực" };
const officers = Array.from({ length: 49 }, (_, i) => ({
  id: 10_000 + i,
  first_name: `Cán bộ ${i + 1}`,
}));

let h: TelegramHarness;
let sender: Sender | null = null;
afterEach(async () => {
  await sender?.stop();
  sender = null;
  await h?.close();
});

/** 49 officers and a lead on Telegram: 50 private chats, with the demo's console lead 51. */
async function bloc() {
  h = await startTelegramBot({ limits: LIMITS });
  const focal = await h.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: 4,
    role: "OFFICER",
    maxUses: 60,
    issuer: "operator",
  });
  const leadCode = await h.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: null,
    role: "LEAD",
    issuer: "operator",
  });
  await h.say(lead.id, lead, `/join ${leadCode.code}`, 2);
  // Joined without their chats: replies keep the same limits as announcements, and
  // 98 welcome messages at 15/s would be most of the test.
  for (const user of officers) {
    await h.t.app.services.membership.join(
      { platform: "telegram", platformChatId: String(user.id), kind: "PRIVATE" },
      { platformUserId: String(user.id), displayName: user.first_name },
      focal.code,
      "vi",
    );
  }
  expect(await h.t.app.deps.db.chat.count({ where: { platform: "telegram" } })).toBe(50);
}

async function announce(text: string) {
  await h.say(lead.id, lead, "/announce");
  await h.say(lead.id, lead, text);
  await h.press(lead.id, lead, "Không có ảnh");
  await h.press(lead.id, lead, "Cả khối (7 đơn vị)");
  const [queued] = await h.press(lead.id, lead, "Gửi");
  return queued;
}

const received = (text: string) =>
  officers.map((o) => h.fake.textsIn(o.id).filter((m) => m === text).length);

describe("an announcement to 50 Telegram chats", () => {
  it("ends every chat sent, blocked or failed, honours 429s and limits, and shows the lead live counts", async () => {
    await bloc();
    h.fake.blocked.add(String(officers[7]?.id));
    h.fake.failNext("sendMessage", {
      chatId: String(officers[3]?.id),
      status: 429,
      description: "Too Many Requests: retry after 1",
      retryAfter: 1,
    });
    h.fake.failNext("sendMessage", {
      chatId: String(officers[20]?.id),
      status: 502,
      description: "Bad Gateway",
      times: 1,
    });
    h.fake.failNext("sendMessage", {
      chatId: String(officers[30]?.id),
      status: 400,
      description: "Bad Request: chat not found",
      times: 1,
    });
    h.fake.limits = LIMITS;
    expect(await announce("Họp sơ kết 6 tháng: 8h ngày 30/6")).toContain("tới 51 cuộc trò chuyện");

    ({ sender } = h.t.app.startDelivery([h.t.transport, h.adapter.transport]));
    sender.start();
    const counts = () => h.t.app.services.announcements.counts(1);
    await h.fake.until(
      () => h.fake.textsIn(lead.id).some((m) => m.startsWith("📣 Thông báo #1 đã gửi xong")),
      20_000,
      "summary",
    );

    expect(await counts()).toMatchObject({
      total: 51,
      sent: 49,
      blocked: 1,
      failed: 1,
      pending: 0,
    });
    const missed = received("Họp sơ kết 6 tháng: 8h ngày 30/6");
    expect(missed.filter((n) => n === 1)).toHaveLength(47);
    expect(missed[7]).toBe(0);
    expect(missed[30]).toBe(0);
    expect(missed[3]).toBe(1); // after its 429
    expect(missed[20]).toBe(1); // after its 502
    expect(h.fake.textsIn(lead.id)).toContain(
      "📣 Thông báo #1 đã gửi xong: 49/51 thành công · 1 lỗi · 1 đã chặn bot.\nXem ai chưa nhận được: /dathongbao 1",
    );
    const progress = h.fake.sent.find(
      (m) => m.chatId === String(lead.id) && m.text.startsWith("📣 Thông báo #1:"),
    );
    expect(progress?.text).toMatch(/^📣 Thông báo #1: đã gửi \d+\/51 · lỗi \d+$/);
    expect(h.fake.calls.filter((c) => c.method === "editMessageText").length).toBeGreaterThan(0);
    const blockedChat = await h.t.app.deps.db.chat.findFirstOrThrow({
      where: { platformChatId: String(officers[7]?.id) },
    });
    expect(blockedChat.active).toBe(false);
    // The broadcast itself never broke a limit (the lead's busy chat may meet one 429,
    // which the sender honours like any other).
    const officerChats = new Set(officers.map((o) => String(o.id)));
    expect(h.fake.rateLimitedChats.filter((c) => officerChats.has(c))).toEqual([]);

    // The failed ones can be retried by the lead.
    const [retry] = await h.say(lead.id, lead, "/announcements retry 1");
    expect(retry).toContain("Đang gửi lại 1 tin lỗi");
    // The retry ends with a summary of its own.
    await h.fake.until(
      () => h.fake.textsIn(lead.id).some((m) => m.startsWith("📣 Thông báo #1 đã gửi lại xong")),
      10_000,
      "the retry's summary",
    );
    expect(h.fake.textsIn(lead.id)).toContain(
      "📣 Thông báo #1 đã gửi lại xong: 50/51 thành công · 0 lỗi · 1 đã chặn bot.\nXem ai chưa nhận được: /dathongbao 1",
    );
    expect(received("Họp sơ kết 6 tháng: 8h ngày 30/6")[30]).toBe(1);
  }, 30_000);

  it("resumes after a restart in the middle, sending each chat once", async () => {
    await bloc();
    h.fake.limits = LIMITS;
    await announce("Nộp báo cáo tháng trước 17h thứ Sáu");
    ({ sender } = h.t.app.startDelivery([h.t.transport, h.adapter.transport]));
    sender.start();
    await h.fake.until(
      () => received("Nộp báo cáo tháng trước 17h thứ Sáu").filter((n) => n > 0).length >= 10,
      10_000,
    );
    await sender.stop();
    const afterStop = await h.t.app.services.announcements.counts(1);
    expect(afterStop.sent).toBeGreaterThanOrEqual(10);
    expect(afterStop.sent).toBeLessThan(51);
    expect(await h.t.app.deps.db.delivery.count({ where: { status: "SENDING" } })).toBe(0);

    ({ sender } = h.t.app.startDelivery([h.t.transport, h.adapter.transport]));
    sender.start();
    await h.fake.until(
      () => h.fake.textsIn(lead.id).some((m) => m.includes("đã gửi xong")),
      20_000,
      "summary",
    );
    expect(received("Nộp báo cáo tháng trước 17h thứ Sáu").every((n) => n === 1)).toBe(true);
    expect(await h.t.app.services.announcements.counts(1)).toMatchObject({ sent: 51, pending: 0 });
  }, 30_000);

  it("uploads a photo announcement once and sends it to every other chat by Telegram's file id", async () => {
    await bloc();
    const photo = png(40, 30, 7);
    await h.say(lead.id, lead, "/announce");
    await h.say(lead.id, lead, "Ảnh mẫu phòng làm việc xanh, sạch, đẹp");
    const before = h.fake.textsIn(lead.id).length;
    h.fake.photo(lead.id, lead, photo);
    await h.fake.until(() => h.fake.textsIn(lead.id).length > before, 10_000, "the audience");
    await h.press(lead.id, lead, "Cả khối (7 đơn vị)");
    await h.press(lead.id, lead, "Gửi");
    ({ sender } = h.t.app.startDelivery([h.t.transport, h.adapter.transport]));
    sender.start();
    await h.fake.until(
      () => h.fake.textsIn(lead.id).some((m) => m.includes("đã gửi xong")),
      20_000,
      "summary",
    );
    const photos = h.fake.sent.filter(
      (m) => m.method === "sendPhoto" && m.text === "Ảnh mẫu phòng làm việc xanh, sạch, đẹp",
    );
    expect(new Set(photos.map((m) => m.chatId)).size).toBe(50);
    expect(photos.every((m) => Buffer.from(m.photo ?? []).equals(Buffer.from(photo)))).toBe(true);
    expect(photos.filter((m) => m.uploaded)).toHaveLength(1);
    expect(h.fake.photoUploads).toBe(1);

    // An id Telegram no longer knows (a new bot token, say) is refused: the photo is
    // uploaded again rather than lost.
    h.fake.forgetUploadedPhotos();
    const delivery = await h.t.app.deps.db.delivery.findFirstOrThrow({
      where: { photoKey: { not: null } },
    });
    await h.adapter.transport.send(
      { platformChatId: String(officers[0]?.id), kind: "PRIVATE" },
      { text: "Nhắc lại", photoKey: delivery.photoKey ?? "" },
    );
    expect(h.fake.photoUploads).toBe(2);
    expect(h.fake.textsIn(officers[0]?.id ?? 0)).toContain("Nhắc lại");
  }, 30_000);
});
