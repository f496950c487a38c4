import { afterEach, describe, expect, it } from "vitest";
import { png } from "../helpers/images.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { startTelegramBot, type TelegramHarness, WEBHOOK_SECRET } from "../helpers/telegramBot.ts";
import { readXlsx } from "../helpers/xlsxReader.ts";

const lan = { id: 501, first_name: "Lan", language_code: "vi" };
const minh = { id: 502, first_name: "Minh" };

let h: TelegramHarness;
afterEach(() => h?.close());

const code = (i: number) => (h.invites[i]?.code ?? "").replace("-", "");

describe("a lead on Telegram", () => {
  it("gets the export as links with sizes, and as documents when pressing the button", async () => {
    h = await startTelegramBot();
    await h.say(501, lan, `/join ${code(3)}`, 2);
    const before = h.fake.textsIn(501).length;
    h.fake.photo(501, lan, png(20, 20, 3), { caption: "#xanhsachdep" });
    await h.fake.until(() => h.fake.textsIn(501).length > before);
    const lead = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await h.say(900, minh, `/join ${lead.code}`, 2);
    const [links] = await h.say(900, minh, "/export", 1);
    expect(links).toMatch(/1\. thidua-1-[a-z-]+\.xlsx \(\d+ KB\)\nhttp/);
    // Nothing is pushed into the chat until the lead asks.
    expect(h.fake.sent.filter((m) => m.method === "sendDocument")).toEqual([]);
    const offer = h.fake.sent.filter((m) => m.chatId === "900" && m.buttons.length > 0).at(-1);
    const all = offer?.buttons.find((b) => b.text.startsWith("📎 Gửi cả 4 tệp"));
    expect(offer?.buttons.map((b) => b.text)).toHaveLength(5);
    h.fake.press(900, minh, all?.text ?? "no such button");
    // The files' text, then four documents: counted as documents, not as any four messages.
    const sentDocuments = () =>
      h.fake.sent.filter((m) => m.chatId === "900" && m.method === "sendDocument");
    await h.fake.until(() => sentDocuments().length >= 4, 10_000, "the four documents");
    const documents = sentDocuments();
    expect(documents.map((d) => d.document?.name)).toEqual([
      "thidua-1-xay-dung-co-quan-cong-so-van-minh-xanh-s.xlsx",
      "thidua-1-xay-dung-co-quan-cong-so-van-minh-xanh-s.csv",
      "thidua-1-xay-dung-co-quan-cong-so-van-minh-xanh-s-minh-chung.zip",
      "manifest.sha256",
    ]);
    // The rows, then the export's seal and how to check it.
    expect(readXlsx(documents[0]?.document?.bytes ?? new Uint8Array())).toHaveLength(1 + 7 * 3 + 2);
  });

  it("sends a photo with its caption, and a long text after a caption split at 1024", async () => {
    h = await startTelegramBot();
    const bytes = png(16, 16, 21);
    const caption = Array.from({ length: 80 }, (_, i) => `Dòng ${i + 1}: lịch họp khối`).join("\n");
    await h.adapter.transport.send(
      { platformChatId: "501", kind: "PRIVATE" },
      { text: caption, photo: { fileName: "lich.png", mimeType: "image/png", bytes } },
    );
    const [photo, ...rest] = h.fake.sent.filter((m) => m.chatId === "501");
    expect(photo?.method).toBe("sendPhoto");
    expect(Buffer.from(photo?.photo ?? []).equals(Buffer.from(bytes))).toBe(true);
    expect(photo?.text.length).toBeLessThanOrEqual(1024);
    expect([photo?.text, ...rest.map((m) => m.text)].join("\n")).toBe(caption);
  });

  it("launches a campaign whose announcement officers answer by replying with a photo", async () => {
    h = await startTelegramBot();
    await h.say(501, lan, `/join ${code(3)}`, 2);
    const leadCode = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await h.say(900, minh, `/join ${leadCode.code}`, 2);
    await h.t.app.services.campaigns.close(1, 1, "operator");
    for (const line of [
      "/newcampaign",
      "Hội thi Văn Thể Mỹ",
      "-",
      "1/3/2026",
      "30/4/2026",
      "-",
      "20/4",
      "-",
    ]) {
      await h.say(900, minh, line);
    }
    await h.press(900, minh, "Lưu và mở báo cáo");
    await h.press(900, minh, "Soạn thông báo");
    await h.press(900, minh, "Cả khối (7 đơn vị)");
    await h.press(900, minh, "Gửi");
    const { sender } = h.t.app.startDelivery([h.t.transport, h.adapter.transport]);
    await sender.drainOnce();
    const announcement = h.fake.sent.find(
      (m) => m.chatId === "501" && m.text.startsWith("📣 Phát động"),
    );
    expect(announcement?.text).toContain("Hội thi Văn Thể Mỹ");

    const before = h.fake.textsIn(501).length;
    h.fake.photo(501, lan, png(24, 24, 11), {
      caption: "Tập văn nghệ",
      replyTo: announcement?.messageId,
    });
    await h.fake.until(() => h.fake.textsIn(501).length > before);
    expect(h.fake.textsIn(501).at(-1)).toContain(
      "✅ Đã lưu 1 ảnh minh chứng: Ban Tuyên giáo Tỉnh ủy · Hội thi Văn Thể Mỹ",
    );
  });
});

describe("a photo that downloads slowly", () => {
  it("holds up no one else: another officer's command is answered meanwhile", async () => {
    h = await startTelegramBot();
    await h.say(501, lan, `/join ${code(3)}`, 2);
    await h.say(502, minh, `/join ${code(4)}`, 2);
    const release = h.fake.holdDownloads();
    const before = h.fake.textsIn(501).length;
    h.fake.photo(501, lan, png(20, 20, 3), { caption: "#xanhsachdep" });
    await h.fake.until(() => h.fake.downloadsHeld > 0, 5000, "the photo's download to start");
    const help = await h.say(502, minh, "/help");
    expect(help.join("\n")).toContain("/baocao");
    expect(h.fake.textsIn(501)).toHaveLength(before);
    release();
    await h.fake.until(() => h.fake.textsIn(501).length > before, 5000, "the photo's answer");
    expect(h.fake.textsIn(501).at(-1)).toContain("Đã lưu 1 ảnh");
  });
});

describe("a backlog of updates stored while nothing handled them", () => {
  it("is answered in full once the bot handles again, each message once", async () => {
    h = await startTelegramBot({ seed: false });
    await h.t.app.pipeline.stop();
    const chats = Array.from({ length: 450 }, (_, i) => 10_000 + i);
    for (const chat of chats)
      h.fake.text(chat, { id: chat, first_name: `Cán bộ ${chat}` }, "/help");
    const db = h.t.app.deps.db;
    await expect.poll(() => db.inboundUpdate.count(), { timeout: 10_000 }).toBe(450);
    expect(h.fake.sent).toHaveLength(0);
    h.t.app.pipeline.start();
    await h.fake.until(
      () => chats.every((chat) => h.fake.textsIn(chat).length > 0),
      20_000,
      "an answer in every chat",
    );
    expect(chats.filter((chat) => h.fake.textsIn(chat).length !== 1)).toEqual([]);
    await expect
      .poll(() => db.inboundUpdate.count({ where: { status: "DONE" } }), { timeout: 5000 })
      .toBe(450);
  }, 40_000);
});

describe("/web on Telegram", () => {
  it("gives the link and, behind https, a button that opens the dashboard as a Mini App", async () => {
    h = await startTelegramBot({ env: { PUBLIC_BASE_URL: "https://thidua.example.vn" } });
    await h.say(501, lan, `/join ${code(3)}`, 2);
    const [answer] = await h.say(501, lan, "/web");
    expect(answer).toContain("https://thidua.example.vn/web/login/");
    expect(h.fake.sent.at(-1)?.buttons).toEqual([
      { text: "Mở trong Telegram", data: "", webApp: "https://thidua.example.vn/web/telegram" },
    ]);
    // Telegram's preview robot must not open the one-time link; other answers keep previews.
    const sends = h.fake.calls.filter((c) => c.method === "sendMessage");
    expect(sends.at(-1)?.payload.link_preview_options).toEqual({ is_disabled: true });
    expect(sends.at(-2)?.payload.link_preview_options).toBeUndefined();
  });
});

describe("the unit picker on Telegram", () => {
  it("ticks units in the same message, edited in place, and sends to the ticked ones", async () => {
    h = await startTelegramBot();
    const lead = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await h.say(900, minh, `/join ${lead.code}`, 2);
    await h.say(501, lan, `/join ${code(1)}`, 2);
    await h.say(900, minh, "/announce Kiểm tra PCCC thứ Sáu");
    await h.press(900, minh, "Không có ảnh");
    await h.press(900, minh, "Chọn đơn vị");
    const list = h.fake.sent.at(-1);
    const messages = h.fake.textsIn(900).length;
    const edits = () => h.fake.calls.filter((c) => c.method === "editMessageText").length;
    h.fake.press(900, minh, "☐ Văn phòng Tỉnh ủy");
    await h.fake.until(() => edits() === 1);
    h.fake.press(900, minh, "☐ Ban Tổ chức Tỉnh ủy");
    await h.fake.until(() => edits() === 2);
    expect(h.fake.textsIn(900)).toHaveLength(messages);
    expect(list?.text).toBe("Chọn các đơn vị nhận (đã chọn 2), rồi bấm Xong:");
    expect(list?.buttons.slice(0, 3).map((b) => b.text)).toEqual([
      "☑ Văn phòng Tỉnh ủy",
      "☑ Ban Tổ chức Tỉnh ủy",
      "☐ Ủy ban Kiểm tra Tỉnh ủy",
    ]);
    h.fake.press(900, minh, "☑ Văn phòng Tỉnh ủy");
    await h.fake.until(() => edits() === 3);
    const [preview] = await h.press(900, minh, "Xong");
    expect(preview).toContain("Xem trước: thông báo sẽ gửi tới 1 cuộc trò chuyện.");
    expect(preview).not.toContain("⚠️");
  });
});

describe("Telegram, long polling", () => {
  it("registers the command menu in Vietnamese and English", async () => {
    h = await startTelegramBot();
    const menus = h.fake.calls.filter((c) => c.method === "setMyCommands");
    expect(menus.map((m) => m.payload.language_code ?? "default")).toEqual(["vi", "default", "en"]);
    const vi = menus[0]?.payload.commands as { command: string; description: string }[];
    expect(vi.find((c) => c.command === "report")?.description).toBe(
      "báo cáo tự đánh giá của đơn vị, kèm ảnh",
    );
    expect(vi.some((c) => c.command === "join")).toBe(false);
  });

  it.each([
    ["long polling", false],
    ["webhook", true],
  ])(
    "joins by deep link, then reports with inline buttons and an album of photos (%s)",
    async (_mode, webhook) => {
      h = await startTelegramBot({ webhook });
      const [welcome] = await h.say(501, lan, `/start ${code(3)}`, 2);
      expect(welcome).toContain(
        "Chào mừng Lan! Bạn đã tham gia Khối thi đua các cơ quan Đảng tỉnh",
      );

      const [deadlineQuestion] = await h.say(501, lan, "/report");
      expect(deadlineQuestion).toBe(
        "Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn: báo cáo cho hạn nào?",
      );
      expect(h.fake.sent.at(-1)?.buttons.map((b) => b.text)).toEqual([
        "17:00 09/03/2026 (gần nhất)",
        "17:00 08/04/2026",
        "17:00 08/05/2026",
      ]);
      expect(await h.press(501, lan, "17:00 09/03/2026 (gần nhất)")).toEqual([
        "Tình trạng thực hiện?",
      ]);
      await h.press(501, lan, "Đã hoàn thành");
      expect(await h.say(501, lan, "Đã tổng vệ sinh, trồng thêm cây xanh")).toEqual([
        "Gửi ảnh minh chứng (có thể gửi nhiều ảnh), rồi bấm Không có ảnh.",
      ]);
      const before = h.fake.textsIn(501).length;
      for (const seed of [1, 2, 3]) h.fake.photo(501, lan, png(40, 30, seed), { album: "album-1" });
      await h.fake.until(() => h.fake.textsIn(501).length > before, 5000, "album acknowledgement");
      await new Promise((r) => setTimeout(r, 300));
      expect(h.fake.textsIn(501).slice(before)).toEqual(["Đã nhận 3 ảnh. Gửi thêm hoặc bấm Xong."]);
      const [summary] = await h.press(501, lan, "Xong");
      expect(summary).toContain("Ảnh: 3");
      const [saved] = await h.press(501, lan, "Gửi báo cáo");
      expect(saved).toContain("✅ Đã lưu báo cáo của Ban Tuyên giáo Tỉnh ủy");
      const report = await h.t.app.deps.db.report.findFirstOrThrow({ include: { evidence: true } });
      expect(report.status).toBe("DONE");
      expect(report.evidence.map((e) => e.platform)).toEqual(["telegram", "telegram", "telegram"]);
      expect(report.evidence[0]?.platformFileId).toMatch(/^photo-\d+$/);
    },
  );

  it("takes a button press from before a restart", async () => {
    h = await startTelegramBot();
    await h.say(501, lan, `/join ${code(3)}`, 2);
    await h.say(501, lan, "/report");
    const dir = h.t.dir;
    await h.adapter.stop();
    await h.fake.stop();
    const old = h;
    h = await startTelegramBot({ dir, seed: false });
    // The new fake has no memory of the old messages: carry the buttons over.
    h.fake.sent.push(...old.fake.sent.filter((m) => m.chatId === "501"));
    expect(await h.press(501, lan, "17:00 09/03/2026 (gần nhất)")).toEqual([
      "Tình trạng thực hiện?",
    ]);
  });

  it("stores a quick photo report and refuses a PDF sent as a photo document", async () => {
    h = await startTelegramBot();
    await h.say(501, lan, `/join ${code(3)}`, 2);
    const before = h.fake.textsIn(501).length;
    h.fake.photo(501, lan, png(50, 50, 7), { caption: "Khuôn viên #xanhsachdep" });
    await h.fake.until(() => h.fake.textsIn(501).length > before);
    expect(h.fake.textsIn(501).at(-1)).toContain("✅ Đã lưu 1 ảnh minh chứng");
    h.fake.document(501, lan, Buffer.from("%PDF-1.4 fake"), "anh.jpg", "image/jpeg");
    await h.fake.until(() => h.fake.textsIn(501).length > before + 1);
    expect(h.fake.textsIn(501).at(-1)).toContain("Chỉ nhận ảnh JPEG, PNG hoặc WebP");
    expect(await h.t.app.deps.db.evidence.count()).toBe(1);
  });

  it("answers commands in a group, addressed to it, and ignores chatter and other bots", async () => {
    h = await startTelegramBot();
    await h.say(501, lan, `/join ${code(3)}`, 2);
    expect(await h.say(-1001, lan, `/join@thidua_test_bot ${code(3)}`)).toEqual([
      "Đã liên kết nhóm này với Ban Tuyên giáo Tỉnh ủy. Thông báo và nhắc hạn của đơn vị sẽ gửi vào đây.",
    ]);
    h.fake.text(-1001, minh, "chào cả nhà");
    h.fake.text(-1001, minh, "/help@other_bot");
    const [help] = await h.say(-1001, lan, "/help");
    expect(help).toContain("Các lệnh dành cho bạn");
    expect(h.fake.textsIn(-1001)).toHaveLength(2);
  });
});

describe("Telegram groups that become supergroups", () => {
  it("re-key the chat and get the message at the new id", async () => {
    h = await startTelegramBot();
    await h.say(501, lan, `/join ${code(3)}`, 2);
    await h.say(-1001, lan, `/join ${code(3)}`);
    h.fake.migrated.set("-1001", "-1002003004");
    await h.adapter.transport.send(
      { platformChatId: "-1001", kind: "GROUP" },
      { text: "Nhắc hạn" },
    );
    expect(h.fake.textsIn("-1002003004")).toEqual(["Nhắc hạn"]);
    const chat = await h.t.app.deps.db.chat.findFirstOrThrow({ where: { kind: "GROUP" } });
    expect(chat).toMatchObject({ platformChatId: "-1002003004", unitId: 4 });
  });

  it("re-key the chat when Telegram reports the migration as a service message", async () => {
    h = await startTelegramBot();
    await h.say(501, lan, `/join ${code(3)}`, 2);
    await h.say(-1001, lan, `/join ${code(3)}`);
    h.fake.push({
      message: {
        message_id: 99,
        date: 1,
        chat: { id: -1001, type: "group", title: "g" },
        from: { ...lan, is_bot: false },
        migrate_to_chat_id: -1009,
      },
    });
    const groupId = async () =>
      (await h.t.app.deps.db.chat.findFirstOrThrow({ where: { kind: "GROUP" } })).platformChatId;
    for (let i = 0; i < 50 && (await groupId()) !== "-1009"; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await groupId()).toBe("-1009");
  });
});

describe("Telegram, webhook mode", () => {
  it("refuses a forged webhook with 401 and stores nothing", async () => {
    h = await startTelegramBot({ webhook: true });
    expect(h.fake.webhook?.url).toBe(`${h.http.url}/webhooks/telegram`);
    const update = {
      update_id: 1,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 9, type: "private" },
        from: { id: 9, is_bot: false, first_name: "X" },
        text: "/start",
      },
    };
    expect(await h.fake.postToWebhook(update, "wrong-secret")).toBe(401);
    expect(await h.fake.postToWebhook(update, null)).toBe(401);
    expect(await h.t.app.deps.db.inboundUpdate.count()).toBe(0);
    expect(h.fake.sent).toHaveLength(0);
    const garbage = await fetch(`${h.http.url}/webhooks/telegram`, {
      method: "POST",
      headers: { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
      body: "{not json",
    });
    expect(garbage.status).toBe(400);
  });

  it("records an update before answering and handles a duplicate delivery once", async () => {
    h = await startTelegramBot({ webhook: true });
    const update = {
      update_id: 777,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 501, type: "private" },
        from: { ...lan, is_bot: false },
        text: `/join ${code(2)}`,
      },
    };
    expect(await h.fake.postToWebhook(update, WEBHOOK_SECRET)).toBe(200);
    expect(await h.fake.postToWebhook(update, WEBHOOK_SECRET)).toBe(200);
    await h.fake.until(() => h.fake.textsIn(501).length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.fake.textsIn(501)).toHaveLength(2);
    expect(await h.t.app.deps.db.member.count()).toBe(2);
    expect(
      await h.t.app.deps.db.inboundUpdate.count({ where: { processedAt: { not: null } } }),
    ).toBe(1);
  });

  it("runs a whole conversation through the webhook", async () => {
    h = await startTelegramBot({ webhook: true });
    await h.say(501, lan, `/start ${code(3)}`, 2);
    const [status] = await h.say(501, lan, "/status");
    expect(status).toContain("Tình hình báo cáo của Ban Tuyên giáo Tỉnh ủy");
  });

  it("reports its state on /healthz", async () => {
    h = await startTelegramBot({ webhook: true });
    const response = await fetch(`${h.http.url}/healthz`);
    const health = (await response.json()) as { adapters: { telegram: { lastOkAt: string } } };
    expect(response.status).toBe(200);
    expect(health).toMatchObject({
      ok: true,
      database: true,
      adapters: {
        telegram: {
          state: "webhook",
          lastError: null,
          failingForSeconds: 0,
          inbox: { waiting: 0, failed: 0 },
          outbox: 0,
        },
      },
    });
    expect(health.adapters.telegram.lastOkAt).toMatch(/^\d{4}-/);
  });
});

describe("self-scoring on Telegram", () => {
  it("offers the usual points as buttons, and a typed number still counts as points", async () => {
    h = await startTelegramBot();
    await openScoredCampaign(h.t.app, h.t.clock.now());
    await h.say(501, lan, `/join ${code(3)}`, 2);
    await h.say(501, lan, "/report");
    await h.press(501, lan, "Đã hoàn thành");
    await h.press(501, lan, "Không ghi chú");
    expect(h.fake.sent.at(-1)?.buttons.map((b) => b.text)).toEqual(["10", "7,5", "5", "0"]);
    await h.press(501, lan, "7,5");
    // "2" typed is 2 points, not the second button.
    await h.say(501, lan, "2");
    await h.press(501, lan, "Không có ảnh");
    await h.press(501, lan, "Gửi báo cáo");
    const scores = await h.t.app.deps.db.reportScore.findMany({ orderBy: { criterionId: "asc" } });
    expect(scores.map((s) => s.self)).toEqual([7.5, 2]);
  });
});
