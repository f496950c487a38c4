import { afterEach, describe, expect, it } from "vitest";
import type { Sender } from "../../src/delivery/sender.ts";
import { type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * The lead's view of an announcement's delivery, in the chat: who did not get it,
 * in which unit and why, told apart from who blocked the bot; and a retry that ends
 * with a summary of its own, as the first round did.
 */

const LEAD = "1a2b3c4d5e6f70819203";
const [OK, BLOCKS, GONE] = ["c0ffee0000000000000a", "c0ffee0000000000000b", "c0ffee0000000000000c"];

let h: ZaloHarness | null = null;
let sender: Sender | null = null;
let t: TestApp | null = null;
afterEach(async () => {
  await sender?.stop();
  sender = null;
  await h?.close();
  h = null;
  await t?.close();
  t = null;
});

/** Lan, focal point of Ban Tuyên giáo, on Telegram: an app this bot does not serve here. */
async function lanOnTelegram(app: TestApp["app"], invites: DemoInvite[]) {
  await app.services.membership.join(
    { platform: "telegram", platformChatId: "501", kind: "PRIVATE" },
    { platformUserId: "501", displayName: "Lan" },
    invites[3]?.code ?? "",
    "vi",
  );
}

describe("a Zalo lead after an announcement", () => {
  it("reads who did not get it, with unit and reason, blocked apart from failed; a retry ends with its own summary", async () => {
    h = await startZaloBot();
    const zalo = h;
    const { membership } = zalo.t.app.services;
    const lead = await membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    const officers = await membership.issueInvite({
      blocId: 1,
      unitId: 2,
      role: "OFFICER",
      maxUses: 5,
      issuer: "operator",
    });
    await zalo.say(LEAD, `/join ${lead.code}`, 2);
    for (const user of [OK, BLOCKS, GONE]) await zalo.say(user, `/join ${officers.code}`, 2);
    await lanOnTelegram(zalo.t.app, zalo.invites);

    // One officer blocked the bot since joining; another's account answers "not found" once.
    zalo.fake.blocked.add(BLOCKS);
    const sendsTo = (chat: string) =>
      zalo.fake.calls.filter((c) => c.body.chat_id === chat && c.method === "sendMessage").length;
    const sendsBeforeBlock = sendsTo(BLOCKS);
    zalo.fake.failNext("sendMessage", {
      chatId: GONE,
      errorCode: 404,
      description: "User not found",
    });
    await zalo.say(LEAD, "/thongbao");
    await zalo.say(LEAD, "Nộp báo cáo quý trước 17h thứ Sáu");
    await zalo.say(LEAD, "1"); // Không có ảnh
    expect((await zalo.say(LEAD, "1")).join("\n")).toContain("gửi tới 6 cuộc trò chuyện");
    await zalo.say(LEAD, "1"); // Gửi

    ({ sender } = zalo.t.app.startDelivery([zalo.t.transport, zalo.adapter.transport]));
    sender.start();
    const summaryOf = (prefix: string) => () =>
      zalo.fake.textsTo(LEAD).find((m) => m.startsWith(prefix)) ?? "";
    const first = summaryOf("📣 Thông báo #1 đã gửi xong");
    await zalo.fake.until(() => first() !== "", 10_000, "the summary");
    expect(first()).toBe(
      "📣 Thông báo #1 đã gửi xong: 3/6 thành công · 2 lỗi · 1 đã chặn bot.\nXem ai chưa nhận được: /dathongbao 1",
    );
    const blockedChat = await zalo.t.app.deps.db.chat.findFirstOrThrow({
      where: { platform: "zalo", platformChatId: BLOCKS },
    });
    expect(blockedChat.active).toBe(false);

    const [detail = ""] = await zalo.say(LEAD, "/dathongbao 1");
    expect(detail).toMatch(/^📣 Thông báo #1 \(\d\d:\d\d \d\d\/\d\d\/2026\): Nộp báo cáo quý/);
    expect(detail).toContain("đã gửi 3/6 · đang chờ 0 · lỗi 2 · chặn bot 1");
    expect(detail).toContain(
      [
        "Lỗi (2):",
        `• Ban Tổ chức Tỉnh ủy — Người ${GONE} (Zalo): Zalo trả lời: 404 User not found`,
        "• Ban Tuyên giáo Tỉnh ủy — Lan (Telegram): bot chưa kết nối Telegram",
        "",
        "Đã chặn bot (1), sẽ nhận tin trở lại khi họ nhắn cho bot:",
        `• Ban Tổ chức Tỉnh ủy — Người ${BLOCKS} (Zalo)`,
        "",
        "Gửi lại các tin lỗi: /dathongbao retry 1",
      ].join("\n"),
    );
    // Zalo has no buttons: nothing in it reads as a numbered question.
    expect(detail).not.toMatch(/^\d+\. /m);

    expect(await zalo.say(LEAD, "/dathongbao retry 1")).toEqual([
      "Đang gửi lại 2 tin lỗi của thông báo #1.",
    ]);
    const again = summaryOf("📣 Thông báo #1 đã gửi lại xong");
    await zalo.fake.until(() => again() !== "", 10_000, "the retry's summary");
    expect(again()).toBe(
      "📣 Thông báo #1 đã gửi lại xong: 4/6 thành công · 1 lỗi · 1 đã chặn bot.\nXem ai chưa nhận được: /dathongbao 1",
    );
    expect(zalo.fake.textsTo(GONE)).toContain("Nộp báo cáo quý trước 17h thứ Sáu");
    // The blocked chat is not sent to again until its person writes.
    expect(sendsTo(BLOCKS)).toBe(sendsBeforeBlock + 1);
    const after = (await zalo.say(LEAD, "/dathongbao 1"))[0] ?? "";
    expect(after).toContain("Lỗi (1):\n• Ban Tuyên giáo Tỉnh ủy — Lan (Telegram)");
    expect(after).not.toContain(`Người ${GONE}`);
  }, 30_000);

  it("answers a wrong number or another word with how to ask, and changes nothing", async () => {
    h = await startZaloBot();
    const lead = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await h.say(LEAD, `/join ${lead.code}`, 2);
    expect(await h.say(LEAD, "/dathongbao 7")).toEqual([
      "Không tìm thấy mục này. Kiểm tra lại số hoặc tên.",
    ]);
    expect(await h.say(LEAD, "/dathongbao hom qua")).toEqual([
      "Lệnh chưa đúng cú pháp. Ví dụ: /dathongbao 5",
    ]);
    expect(
      await h.t.app.deps.db.auditEvent.count({ where: { action: "announcement.retry" } }),
    ).toBe(0);
  });
});

describe("a console lead's retry", () => {
  it("with nothing failed says so; after a restart the retry's summary still comes, once", async () => {
    t = await createTestApp();
    const app = t.app;
    const invites = await seedDemoBloc(app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    await t.chat.as("vp").send(`/join ${invites[0]?.code}`);
    await lanOnTelegram(app, invites);
    t.chat.as("lead");
    for (const line of ["/announce Họp giao ban sáng thứ Hai", "Không có ảnh", "1", "Gửi"]) {
      await t.chat.send(line);
    }
    await t.deliver();
    expect(t.transport.receivedBy("lead").at(-1)).toBe(
      "📣 Thông báo #1 đã gửi xong: 2/3 thành công · 1 lỗi · 0 đã chặn bot.\nXem ai chưa nhận được: /dathongbao 1",
    );

    expect(texts(await t.chat.send("/announcements retry 1"))).toBe(
      "Đang gửi lại 1 tin lỗi của thông báo #1.",
    );
    // The retried delivery settles, then the process dies before the summary is queued.
    const first = t.app.startDelivery([t.transport]);
    await first.sender.drainOnce();
    first.progress.stop();
    const restarted = await t.restart();
    t = restarted;
    // The next process's sender looks for announcements that ended without their summary.
    await restarted.app.startDelivery([restarted.transport]).progress.recover();
    await restarted.deliver();
    expect(restarted.transport.receivedBy("lead")).toEqual([
      "📣 Thông báo #1 đã gửi lại xong: 2/3 thành công · 1 lỗi · 0 đã chặn bot.\nXem ai chưa nhận được: /dathongbao 1",
    ]);
    await restarted.app.startDelivery([restarted.transport]).progress.recover();
    await restarted.deliver();
    expect(await restarted.app.deps.db.delivery.count({ where: { kind: "SUMMARY" } })).toBe(2);

    // An announcement that reached everyone (Văn phòng: the demo lead and vp) has nothing to send again, and says so.
    const lead = restarted.chat.as("lead");
    for (const line of ["/announce Kiểm tra phòng cháy", "Không có ảnh", "2", "1", "Xong", "Gửi"]) {
      await lead.send(line);
    }
    await restarted.deliver();
    expect(texts(await lead.send("/announcements retry 2"))).toBe(
      "Thông báo #2 không có tin lỗi nào để gửi lại.",
    );
    expect(texts(await lead.send("/announcements 2"))).toContain(
      "đã gửi 2/2 · đang chờ 0 · lỗi 0 · chặn bot 0\n\nMọi cuộc trò chuyện đều đã nhận được.",
    );
    expect(restarted.transport.receivedBy("lead").at(-1)).toBe(
      "📣 Thông báo #2 đã gửi xong: 2/2 thành công · 0 lỗi · 0 đã chặn bot.",
    );
  });
});
