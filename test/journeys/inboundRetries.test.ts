import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegramApi.ts";
import { png } from "../helpers/images.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * Passing failures on the way in and out: a Zalo photo whose URL fails, a reply
 * that Telegram refuses for a moment, and a chat that blocked the bot and writes again.
 */

const LAN = "6ede9afa66b88fe6d6a9";
const lan: FakeUser = { id: 501, first_name: "Lan", language_code: "vi" };
let zalo: ZaloHarness | null = null;
let telegram: TelegramHarness | null = null;

afterEach(async () => {
  await zalo?.close();
  await telegram?.close();
  zalo = null;
  telegram = null;
});

const code = (h: { invites: { code: string }[] }, i: number) => h.invites[i]?.code ?? "";

describe("a Zalo photo whose download fails", () => {
  it("is fetched again and filed when the URL answers on a later try", async () => {
    zalo = await startZaloBot();
    const h = zalo;
    await h.say(LAN, `/join ${code(h, 3)}`, 2);
    h.fake.imageFailures = 2;
    const before = h.fake.textsTo(LAN).length;
    h.fake.image(LAN, "Lan", png(40, 40, 9), { caption: "#xanhsachdep" });
    await h.fake.until(() => h.fake.textsTo(LAN).length > before, 10_000, "the answer");
    expect(h.fake.textsTo(LAN).at(-1)).toContain("✅ Đã lưu 1 ảnh minh chứng");
    expect(await h.t.app.deps.db.evidence.count()).toBe(1);
  });

  it("asks the sender to send it again after the last try, and keeps the update for the operator", async () => {
    zalo = await startZaloBot();
    const h = zalo;
    await h.say(LAN, `/join ${code(h, 3)}`, 2);
    h.fake.imageFailures = 100;
    const before = h.fake.textsTo(LAN).length;
    h.fake.image(LAN, "Lan", png(40, 40, 10), { caption: "#xanhsachdep" });
    await h.fake.until(() => h.fake.textsTo(LAN).length > before, 15_000, "the notice");
    expect(h.fake.textsTo(LAN).slice(before)).toEqual([
      "Mình chưa nhận được ảnh bạn vừa gửi (tải ảnh từ Zalo/Telegram không thành). Vui lòng gửi lại ảnh.",
    ]);
    expect(await h.t.app.deps.db.evidence.count()).toBe(0);
    expect(await h.t.app.deps.db.inboundUpdate.count({ where: { status: "FAILED" } })).toBe(1);
  });
});

describe("a Zalo photo URL that points inside our network", () => {
  it("is never fetched, and the sender is asked for the photo at once", async () => {
    zalo = await startZaloBot();
    const h = zalo;
    await h.say(LAN, `/join ${code(h, 3)}`, 2);
    let probed = 0;
    const inside = createServer((_req, res) => {
      probed++;
      res.end("secret");
    });
    await new Promise<void>((r) => inside.listen(0, "127.0.0.1", r));
    const port = (inside.address() as AddressInfo).port;
    const before = h.fake.textsTo(LAN).length;
    h.fake.imageAt(LAN, "Lan", `http://127.0.0.1:${port}/latest/meta-data.jpg`, "#xanhsachdep");
    h.fake.imageAt(LAN, "Lan", "https://169.254.169.254/latest/meta-data.jpg", "#xanhsachdep");
    await h.fake.until(() => h.fake.textsTo(LAN).length >= before + 2, 5000, "two notices");
    expect(h.fake.textsTo(LAN).slice(before)).toEqual([
      expect.stringContaining("Vui lòng gửi lại ảnh"),
      expect.stringContaining("Vui lòng gửi lại ảnh"),
    ]);
    expect(probed).toBe(0);
    expect(await h.t.app.deps.db.evidence.count()).toBe(0);
    await new Promise<void>((r) => inside.close(() => r()));
  });
});

describe("a direct reply Telegram refuses for a moment", () => {
  it("is sent again, once, instead of being dropped", async () => {
    telegram = await startTelegramBot();
    const h = telegram;
    h.fake.failNext("sendMessage", { status: 502, description: "Bad Gateway", chatId: "501" });
    const replies = await h.say(501, lan, "/help");
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain("/join");
    await new Promise((r) => setTimeout(r, 500));
    expect(h.fake.textsIn(501)).toHaveLength(1);
  });
});

describe("polling that meets what blocks it", () => {
  it("removes a Zalo webhook left from an earlier setup, then receives", async () => {
    zalo = await startZaloBot({ leftoverWebhook: true });
    expect(zalo.fake.webhook).toBeNull();
    expect((await zalo.say(LAN, "/help"))[0]).toContain("/join");
  });

  it("reports Telegram's 409 (another poller) as such, and keeps polling", async () => {
    telegram = await startTelegramBot();
    const h = telegram;
    h.fake.failNext("getUpdates", {
      status: 409,
      description: "Conflict: terminated by other getUpdates request",
      times: 2,
    });
    await h.fake.until(
      () => (h.t.app.health.snapshot().telegram?.lastError ?? "").includes("409"),
      5000,
      "the 409 on the health board",
    );
    expect(h.t.app.health.snapshot().telegram?.lastError).toBe(
      "409: another process is polling this bot (or a webhook is set)",
    );
    expect((await h.say(501, lan, "/help"))[0]).toContain("/join");
    expect(h.t.app.health.snapshot().telegram?.state).toBe("polling");
  });
});

describe("a chat that blocked the bot", () => {
  it("is reachable again once the person writes to the bot", async () => {
    telegram = await startTelegramBot();
    const h = telegram;
    await h.say(501, lan, `/start ${code(h, 3)}`, 2);
    await h.t.app.services.announcements.markChatBlocked("telegram", "501");
    const chat = () => h.t.app.deps.db.chat.findFirstOrThrow({ where: { platformChatId: "501" } });
    expect((await chat()).active).toBe(false);
    await h.say(501, lan, "/status");
    expect((await chat()).active).toBe(true);
  });
});
