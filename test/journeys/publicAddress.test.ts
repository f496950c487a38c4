import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { Sender } from "../../src/delivery/sender.ts";
import { FakeZaloApi } from "../fakes/zaloApi.ts";
import { type BotProcess, prepareDemoFolder, startBotProcess } from "../helpers/botProcess.ts";
import { png } from "../helpers/images.ts";
import { texts } from "../helpers/testApp.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * A bot on Zalo without PUBLIC_BASE_URL: its links point at this machine and Zalo,
 * which fetches photos by URL, can get none. Nobody should find that out after the
 * fact: the operator is told at start, the lead before sending, and whoever gets a
 * link that opens only on the bot's machine is told so with it.
 */

const LEAD = "1a2b3c4d5e6f70819203";
const OFFICERS = ["b0a1c2d3e4f5061728a1", "b0a1c2d3e4f5061728a2"];

let h: ZaloHarness | null = null;
let sender: Sender | null = null;
let bot: BotProcess | null = null;
let dir = "";
afterEach(async () => {
  await sender?.stop();
  sender = null;
  await h?.close();
  h = null;
  await bot?.stop();
  bot = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

/** A lead and two officers (unit 2) on Zalo, one officer (unit 1) on the console. */
async function bloc(harness: ZaloHarness) {
  const { membership } = harness.t.app.services;
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
  await harness.say(LEAD, `/join ${lead.code}`, 2);
  for (const user of OFFICERS) await harness.say(user, `/join ${officers.code}`, 2);
  await harness.t.chat.as("vp").send(`/join ${harness.invites[0]?.code}`);
  // As main.ts does before the adapters start: the sender serves the console and Zalo.
  ({ sender } = harness.t.app.startDelivery([harness.t.transport, harness.adapter.transport]));
}

/** The lead announces with a photo to the whole bloc; answers the preview. */
async function announceWithPhoto(harness: ZaloHarness, text: string): Promise<string> {
  await harness.say(LEAD, "/thongbao");
  await harness.say(LEAD, text);
  const before = harness.fake.textsTo(LEAD).length;
  harness.fake.image(LEAD, "Thường trực", png(40, 30, 6));
  await harness.fake.until(() => harness.fake.textsTo(LEAD).length > before, 5000, "audience");
  expect(harness.fake.textsTo(LEAD).at(-1)).toContain("Gửi tới đâu?");
  const [preview = ""] = await harness.say(LEAD, "1");
  return preview;
}

const health = async (harness: ZaloHarness) => {
  const response = await fetch(`${harness.http.url}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("a Zalo bot without PUBLIC_BASE_URL", () => {
  it("warns in /healthz, tells the lead Zalo gets the text only, and says /web and /xuat links open on this machine only", async () => {
    h = await startZaloBot();
    await bloc(h);

    const report = await health(h);
    expect(report.status).toBe(200);
    const [warning = ""] = (report.body.warnings as string[] | undefined) ?? [];
    expect(warning).toContain("PUBLIC_BASE_URL is not set");
    expect(warning).toContain(`point at ${h.http.url}`);
    expect(warning).toContain("zalo fetches photos by URL, so announcements reach it as text only");

    const preview = await announceWithPhoto(h, "Tổng vệ sinh trụ sở sáng thứ Bảy");
    // The whole bloc: the two officers and the lead on Zalo, an officer and the lead on the console.
    expect(preview).toContain("gửi tới 5 cuộc trò chuyện");
    // The console chats still get the photo; the Zalo ones do not.
    expect(preview).toContain("(kèm 1 ảnh)");
    expect(preview).toContain(
      "⚠️ 3 cuộc trò chuyện trên Zalo sẽ chỉ nhận chữ, không kèm ảnh: bot chưa có địa chỉ công khai (PUBLIC_BASE_URL) để Zalo tải ảnh về.",
    );
    await h.say(LEAD, "1");
    await sender?.drainOnce();
    for (const user of OFFICERS) {
      expect(h.fake.textsTo(user).at(-1)).toContain("Tổng vệ sinh trụ sở sáng thứ Bảy");
    }
    expect(h.fake.sent.filter((s) => s.method === "sendPhoto")).toEqual([]);
    const toConsole = h.t.transport.delivered.find((d) => d.target.platformChatId === "vp");
    // The console is handed the kept photo by its key, as every platform is.
    expect(toConsole?.message.photoKey).toMatch(/\.png$/);

    const [web = ""] = await h.say(LEAD, "/trangweb");
    expect(web).toMatch(/http:\/\/127\.0\.0\.1:\d+\/web\/login\/\S+/);
    expect(web).toContain(
      "⚠️ Liên kết trên trỏ tới chính máy chạy bot nên chỉ mở được trên máy đó, không mở được trên điện thoại",
    );
    const [exported = ""] = await h.say(LEAD, "/xuat");
    expect(exported).toMatch(/http:\/\/127\.0\.0\.1:\d+\/downloads\/\S+/);
    expect(exported).toContain("⚠️ Liên kết trên trỏ tới chính máy chạy bot");

    // On the bot's own machine the same link opens: no warning there.
    expect(texts(await h.t.chat.as("lead").send("/web"))).not.toContain("⚠️");
  });

  it("when only the preview's Zalo recipients are there, does not promise a photo at all", async () => {
    h = await startZaloBot();
    await bloc(h);
    await h.say(LEAD, "/thongbao");
    await h.say(LEAD, "Họp giao ban");
    h.fake.image(LEAD, "Thường trực", png(40, 30, 6));
    await h.fake.until(() => (h?.fake.textsTo(LEAD).at(-1) ?? "").includes("Gửi tới đâu?"));
    await h.say(LEAD, "2");
    await h.say(LEAD, "2"); // Ban Tổ chức Tỉnh ủy: the two Zalo officers
    const [preview = ""] = await h.say(LEAD, "xong");
    expect(preview).toContain("gửi tới 2 cuộc trò chuyện");
    expect(preview).not.toContain("(kèm 1 ảnh)");
    expect(preview).toContain("⚠️ 2 cuộc trò chuyện trên Zalo sẽ chỉ nhận chữ");
  });
});

describe("a Zalo bot with PUBLIC_BASE_URL", () => {
  it("has nothing to warn about: a photo for everyone, links without a note", async () => {
    h = await startZaloBot({ publicMedia: true });
    await bloc(h);
    expect((await health(h)).body.warnings).toBeUndefined();
    const preview = await announceWithPhoto(h, "Tổng vệ sinh trụ sở sáng thứ Bảy");
    expect(preview).toContain("(kèm 1 ảnh)");
    expect(preview).not.toContain("sẽ chỉ nhận chữ");
    await h.say(LEAD, "1");
    await sender?.drainOnce();
    expect(h.fake.sent.filter((s) => s.method === "sendPhoto").map((s) => s.chatId)).toEqual(
      expect.arrayContaining(OFFICERS),
    );
    const [web = ""] = await h.say(LEAD, "/trangweb");
    expect(web).toContain("https://thidua.example.vn/web/login/");
    expect(web).not.toContain("⚠️");
  });
});

describe("the bot process on Zalo without PUBLIC_BASE_URL", () => {
  it("says so in its log at start and in /healthz, which stays healthy", async () => {
    const zalo = await new FakeZaloApi().start();
    try {
      dir = await prepareDemoFolder();
      bot = await startBotProcess(dir, { ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.url });
      const { status, body } = await bot.health();
      expect(status).toBe(200);
      expect(body.warnings).toEqual([
        `PUBLIC_BASE_URL is not set: links sent on zalo (/web, /export) point at ${bot.url}, which opens only on this machine; zalo fetches photos by URL, so announcements reach it as text only`,
        // Polling Zalo can lose an update at a kill (no acknowledgement): said too.
        "zalo polls (no ZALO_WEBHOOK_URL): an update handed over at the instant the bot is killed can be lost; webhook mode loses nothing",
      ]);
      expect(bot.output()).toContain("PUBLIC_BASE_URL is not set");
    } finally {
      await bot?.stop();
      await zalo.stop();
    }
  }, 60_000);
});
