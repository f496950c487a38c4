import { afterEach, describe, expect, it } from "vitest";
import { ZaloAdapter } from "../../src/adapters/zalo/adapter.ts";
import { png } from "../helpers/images.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { readXlsx } from "../helpers/xlsxReader.ts";
import { startZaloBot, ZALO_SECRET, type ZaloHarness } from "../helpers/zaloBot.ts";

let h: ZaloHarness;
afterEach(() => h?.close());

const LAN = "6ede9afa66b88fe6d6a9";
const code = (i: number) => h.invites[i]?.code ?? "";

describe("Zalo, long polling", () => {
  it("joins with a code and reports with numbered choices, by number and by text, with a photo", async () => {
    h = await startZaloBot();
    expect((await h.say(LAN, `/join ${code(3)}`, 2))[0]).toContain("Chào mừng Người");
    const [deadlines] = await h.say(LAN, "/report");
    expect(deadlines).toContain("báo cáo cho hạn nào?");
    expect(deadlines).toContain("1. 17:00 09/03/2026 (gần nhất)");
    expect(deadlines).toContain("Trả lời 1, 2 hoặc 3.");
    expect(await h.say(LAN, "1")).toEqual([
      "Tình trạng thực hiện?\n\n1. Đã hoàn thành\n2. Đang thực hiện\n3. Chưa thực hiện\nTrả lời 1, 2 hoặc 3.",
    ]);
    await h.say(LAN, "đang thực hiện");
    await h.say(LAN, "Đã dọn kho lưu trữ");
    const before = h.fake.textsTo(LAN).length;
    h.fake.image(LAN, "Lan", png(60, 40, 5), { caption: "kho" });
    await h.fake.until(() => h.fake.textsTo(LAN).length > before);
    expect(h.fake.textsTo(LAN).at(-1)).toContain("Đã nhận 1 ảnh");
    expect((await h.say(LAN, "1"))[0]).toContain("Tình trạng: Đang thực hiện");
    expect((await h.say(LAN, "1"))[0]).toContain("✅ Đã lưu báo cáo của Ban Tuyên giáo Tỉnh ủy");
    const evidence = await h.t.app.deps.db.evidence.findFirstOrThrow();
    expect(evidence.platform).toBe("zalo");
    expect(evidence.platformFileId).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/images\/1\.jpg$/);
  });

  it("takes a report typed the way a phone user types: no diacritics, numbers with dots", async () => {
    h = await startZaloBot();
    await h.say(LAN, `/thamgia ${code(3)}`, 2);
    const transcript: string[] = [];
    const say = async (text: string) => {
      const [answer = ""] = await h.say(LAN, text);
      transcript.push(`> ${text}`, answer);
      return answer;
    };
    expect(await say("/báocáo")).toContain("báo cáo cho hạn nào?");
    expect(await say("1.")).toContain("Tình trạng thực hiện?");
    expect(await say("da hoan thanh")).toContain("hoặc trả lời 1 (Không ghi chú)");
    expect(await say("bo qua")).toContain("ảnh minh chứng");
    expect(await say("so 1")).toContain("Tình trạng: Đã hoàn thành");
    expect(await say("co")).toContain("✅ Đã lưu báo cáo của Ban Tuyên giáo Tỉnh ủy");
    const report = await h.t.app.deps.db.report.findFirstOrThrow();
    expect(report).toMatchObject({ status: "DONE", note: "" });
    console.info(transcript.join("\n"));
  });

  it("keeps a half-filled report open around /status, and asks before another form drops it", async () => {
    h = await startZaloBot();
    await h.say(LAN, `/join ${code(3)}`, 2);
    await h.say(LAN, "/baocao");
    await h.say(LAN, "1");
    const [status, reminder] = await h.say(LAN, "/tinhhinh", 2);
    expect(status).toContain("Ban Tuyên giáo Tỉnh ủy");
    expect(reminder).toContain("Biểu mẫu bạn đang điền vẫn mở");
    expect(reminder).toContain("1. Đã hoàn thành");
    expect(await h.say(LAN, "1")).toEqual([
      expect.stringContaining("hoặc trả lời 1 (Không ghi chú)"),
    ]);

    const [ask] = await h.say(LAN, "/baocao");
    expect(ask).toContain("Bạn đang điền dở một biểu mẫu. Bỏ biểu mẫu đó để chạy /baocao?");
    const [back] = await h.say(LAN, "quay lai");
    expect(back).toContain("Quay lại biểu mẫu đang điền");
    expect(back).toContain("1. Không ghi chú");
    expect((await h.say(LAN, "Đã dọn kho"))[0]).toContain("ảnh minh chứng");

    await h.say(LAN, "/baocao");
    expect((await h.say(LAN, "1"))[0]).toContain("báo cáo cho hạn nào?");
  });

  it("repeats the question once with the choices when the answer is none of them", async () => {
    h = await startZaloBot();
    await h.say(LAN, `/join ${code(3)}`, 2);
    await h.say(LAN, "/report");
    const [again] = await h.say(LAN, "mai em báo");
    expect(again).toContain("Vui lòng chọn một trong các lựa chọn");
    expect(again).toContain("1. 17:00 09/03/2026 (gần nhất)");
  });

  it("says what it understands when sent a sticker", async () => {
    h = await startZaloBot();
    await h.say(LAN, `/join ${code(3)}`, 2);
    const before = h.fake.textsTo(LAN).length;
    h.fake.sticker(LAN, "Lan");
    await h.fake.until(() => h.fake.textsTo(LAN).length > before);
    expect(h.fake.textsTo(LAN).at(-1)).toContain("Sticker, tin nhắn thoại");
  });

  it("splits a long answer at 2000 characters on line breaks", async () => {
    h = await startZaloBot();
    for (let i = 0; i < 60; i++)
      await h.t.app.services.blocs.addUnit(1, `Đơn vị cơ sở số ${i + 1} thuộc khối`, "operator");
    const lead = "lead-zalo";
    const invite = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await h.say(lead, `/join ${invite.code}`, 2);
    const parts = await h.say(lead, "/progress", 2);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join("\n")).toContain("Đơn vị cơ sở số 60 thuộc khối");
  });

  it("keeps polling through idle 408s and errors", async () => {
    h = await startZaloBot();
    await new Promise((r) => setTimeout(r, 800));
    h.fake.failNext("getUpdates", { errorCode: 500, description: "Internal error" });
    await new Promise((r) => setTimeout(r, 400));
    expect((await h.say(LAN, "/help"))[0]).toContain("/join");
    expect(h.t.app.health.snapshot().zalo?.state).toBe("polling");
  });
});

describe("Zalo, webhook mode", () => {
  it("refuses a forged webhook with 401 and stores nothing", async () => {
    h = await startZaloBot({ webhook: true });
    const update = {
      event_name: "message.text.received",
      message: {
        message_id: "a1",
        date: Date.now(),
        from: { id: "x" },
        chat: { id: "x", chat_type: "PRIVATE" },
        text: "/help",
      },
    };
    expect(await h.fake.post(update, "wrong-secret-123")).toBe(401);
    expect(await h.fake.post(update, null)).toBe(401);
    expect(await h.t.app.deps.db.inboundUpdate.count()).toBe(0);
    expect(h.fake.sent).toHaveLength(0);
  });

  it("accepts both envelopes and the older photo field, and handles a duplicate once", async () => {
    h = await startZaloBot({ webhook: true });
    h.fake.envelope = "flat";
    await h.say(LAN, `/join ${code(3)}`, 2);
    h.fake.envelope = "wrapped";
    const before = h.fake.textsTo(LAN).length;
    const update = h.fake.image(LAN, "Lan", png(30, 30, 9), {
      caption: "#xanhsachdep",
      field: "photo",
    });
    await h.fake.until(() => h.fake.textsTo(LAN).length > before);
    expect(await h.fake.post(update, ZALO_SECRET)).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.textsTo(LAN).slice(before)).toHaveLength(1);
    expect(h.fake.textsTo(LAN).at(-1)).toContain("✅ Đã lưu 1 ảnh minh chứng");
    expect(await h.t.app.deps.db.evidence.count()).toBe(1);
  });

  it("answers a body that is not an update with 400", async () => {
    h = await startZaloBot({ webhook: true });
    const response = await fetch(`${h.http.url}/webhooks/zalo`, {
      method: "POST",
      headers: { "x-bot-api-secret-token": ZALO_SECRET },
      body: JSON.stringify({ hello: "world" }),
    });
    expect(response.status).toBe(400);
  });
});

describe("Zalo announcements", () => {
  async function zaloUsers(n: number) {
    const invite = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: 2,
      role: "OFFICER",
      maxUses: 20,
      issuer: "operator",
    });
    const users = Array.from({ length: n }, (_, i) => `user${i}`);
    for (const user of users) await h.say(user, `/join ${invite.code}`, 2);
    return users;
  }

  it("reach every Zalo user's private chat, and one failing user ends failed with the reason", async () => {
    h = await startZaloBot();
    const users = await zaloUsers(4);
    h.fake.failNext("sendMessage", {
      chatId: "user2",
      errorCode: 404,
      description: "User not found",
      times: 5,
    });
    h.fake.failNext("sendMessage", {
      chatId: "user1",
      errorCode: 429,
      description: "Quota exceeded",
    });
    await h.t.app.services.announcements.create({
      blocId: 1,
      actor: "operator",
      leadChatId: null,
      text: "Thông báo họp khối",
      photoKey: null,
      audience: { units: [2] },
    });
    const { sender } = h.t.app.startDelivery([h.adapter.transport]);
    sender.start();
    await h.fake.until(
      () =>
        users
          .filter((u) => u !== "user2")
          .every((u) => h.fake.textsTo(u).includes("Thông báo họp khối")),
      8000,
    );
    await sender.stop();
    expect(await h.t.app.services.announcements.counts(1)).toMatchObject({
      total: 4,
      sent: 3,
      failed: 1,
    });
    const failed = await h.t.app.deps.db.delivery.findFirstOrThrow({ where: { status: "FAILED" } });
    expect(failed.lastError).toBe("sendMessage: 404 User not found");
  });

  it("carry a photo as a signed link the Zalo servers can fetch", async () => {
    h = await startZaloBot({ publicMedia: true });
    await zaloUsers(1);
    const stored = await h.t.app.services.evidence.accept({
      kind: "photo",
      platformFileId: "x",
      download: async () => png(20, 20, 4),
    });
    await h.t.app.services.announcements.create({
      blocId: 1,
      actor: "operator",
      leadChatId: null,
      text: "Ảnh mẫu",
      photoKey: stored.storageKey,
      audience: { units: [2] },
    });
    const { sender } = h.t.app.startDelivery([h.adapter.transport]);
    await sender.drainOnce();
    const photo = h.fake.sent.find((s) => s.method === "sendPhoto");
    expect(photo).toMatchObject({ chatId: "user0", text: "Ảnh mẫu", photoStatus: 200 });
    expect(photo?.photoUrl).toContain(`${h.http.url}/media/`);
  });

  it("send the text with a note when no public URL is configured for photos", async () => {
    h = await startZaloBot();
    await zaloUsers(1);
    const stored = await h.t.app.services.evidence.accept({
      kind: "photo",
      platformFileId: "x",
      download: async () => png(20, 20, 4),
    });
    await h.t.app.services.announcements.create({
      blocId: 1,
      actor: "operator",
      leadChatId: null,
      text: "Ảnh mẫu",
      photoKey: stored.storageKey,
      audience: { units: [2] },
    });
    const { sender } = h.t.app.startDelivery([h.adapter.transport]);
    await sender.drainOnce();
    expect(h.fake.textsTo("user0").at(-1)).toBe(
      "Ảnh mẫu\n\n(📷 Thông báo có kèm ảnh, nhưng ảnh chưa gửi được qua Zalo.)",
    );
  });
});

describe("one person, two apps", () => {
  it("links a console (or Telegram) member to their Zalo account and sends notices where they prefer", async () => {
    h = await startZaloBot();
    await h.t.chat.as("lan").send(`/join ${code(3)}`);
    const issued = (await h.t.chat.send("/link")).map((r) => r.text).join("\n");
    const linkCode = /\/lienket ([A-Z0-9]{8})/.exec(issued)?.[1] ?? "";
    expect(linkCode).toHaveLength(8);
    expect((await h.say(LAN, `/link ${linkCode}`))[0]).toContain(
      "Đã liên kết tài khoản zalo này với lan",
    );
    expect((await h.say(LAN, "/whoami"))[0]).toContain("Ban Tuyên giáo Tỉnh ủy");
    expect((await h.say(LAN, `/link ${linkCode}`))[0]).toContain("đã là thành viên");

    // Where notices go, by number on Zalo (no buttons there).
    const where = (await h.say(LAN, "/notify")).join("\n");
    expect(where).toContain("đang gửi qua cả Telegram và Zalo");
    expect(where).toContain("1. Zalo");
    expect((await h.say(LAN, "1"))[0]).toContain("sẽ gửi qua Zalo");
    await h.t.app.services.announcements.create({
      blocId: 1,
      actor: "operator",
      leadChatId: null,
      text: "Chỉ qua Zalo",
      photoKey: null,
      audience: { units: [4] },
    });
    const { sender } = h.t.app.startDelivery([h.t.transport, h.adapter.transport]);
    await sender.drainOnce();
    expect(h.fake.textsTo(LAN)).toContain("Chỉ qua Zalo");
    expect(h.t.transport.receivedBy("lan")).toEqual([]);
  });
});

describe("a bad Zalo token", () => {
  it("keeps the adapter trying and shows the API's own error, though the HTTP status was 200", async () => {
    h = await startZaloBot();
    const bad = new ZaloAdapter(h.t.app.port, {
      token: "1:wrong",
      apiRoot: h.fake.url,
      pollTimeoutSeconds: 1,
      limits: { perSecond: 1, perChatIntervalMs: 0, perGroupPerMinute: 1 },
      mediaLinks: null,
      maxPhotoBytes: 1000,
      backoffCapMs: 1000,
      photoBurstMs: 300,
    });
    await bad.start();
    await h.fake.until(
      () => h.t.app.health.snapshot().zalo?.lastError === "getMe: 401 Unauthorized",
      5000,
      "the error in the health board",
    );
    expect(h.t.app.health.snapshot().zalo?.state).toBe("starting (failing)");
    await bad.stop();
  });
});

describe("Zalo groups", () => {
  const GROUP = "9f8e7d6c5b4a39281706";
  /** A group member writes, mentioning the bot; resolves with the bot's new messages there. */
  const inGroup = async (text: string, expect = 1) => {
    const before = h.fake.textsTo(GROUP).length;
    h.fake.groupText(GROUP, LAN, "Lan", text);
    if (expect === 0) {
      await new Promise((r) => setTimeout(r, 400));
      return h.fake.textsTo(GROUP).slice(before);
    }
    await h.fake.until(() => h.fake.textsTo(GROUP).length >= before + expect);
    return h.fake.textsTo(GROUP).slice(before);
  };

  it("work as on Telegram when getMe says the bot can join groups: /join links the group, chatter is ignored, announcements arrive", async () => {
    h = await startZaloBot({ canJoinGroups: true });
    await h.say(LAN, `/join ${code(3)}`, 2);
    const [linked] = await inGroup(`@Bot Thi Đua /join ${code(3)}`);
    expect(linked).toContain("Ban Tuyên giáo Tỉnh ủy");
    const chat = await h.t.app.deps.db.chat.findFirstOrThrow({ where: { platformChatId: GROUP } });
    expect(chat).toMatchObject({ kind: "GROUP", unitId: 4 });
    expect(await inGroup("@Bot Thi Đua cảm ơn nhé", 0)).toEqual([]);
    const [status] = await inGroup("@Bot Thi Đua /tinhhinh");
    expect(status).toContain("Tình hình báo cáo của Ban Tuyên giáo Tỉnh ủy");

    await h.t.app.services.announcements.create({
      blocId: 1,
      actor: "operator",
      leadChatId: null,
      text: "Họp giao ban sáng thứ Hai",
      photoKey: null,
      audience: { units: [4] },
    });
    const { sender } = h.t.app.startDelivery([h.t.transport, h.adapter.transport]);
    await sender.drainOnce();
    expect(h.fake.textsTo(GROUP)).toContain("Họp giao ban sáng thứ Hai");
    expect(h.fake.textsTo(LAN)).toContain("Họp giao ban sáng thứ Hai");
  });

  it("are left alone when getMe says the bot cannot join them", async () => {
    h = await startZaloBot({ canJoinGroups: false });
    expect(h.adapter.capabilities.groups).toBe(false);
    const uses = async () =>
      (await h.t.app.deps.db.inviteCode.aggregate({ _sum: { uses: true } }))._sum.uses;
    const before = await uses();
    expect(await inGroup(`@Bot Thi Đua /join ${code(3)}`, 0)).toEqual([]);
    expect(await h.t.app.deps.db.chat.count({ where: { platformChatId: GROUP } })).toBe(0);
    expect(await uses()).toBe(before);
  });
});

describe("/export on Zalo", () => {
  it("answers the lead with signed download links that open the files, and expire", async () => {
    h = await startZaloBot();
    await h.say(LAN, `/join ${code(3)}`, 2);
    h.fake.image(LAN, "Lan", png(30, 30, 8), { caption: "#xanhsachdep" });
    await h.fake.until(() => h.fake.textsTo(LAN).some((m) => m.includes("✅")));
    const LEAD = "1a2b3c4d5e6f70819203";
    const invite = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await h.say(LEAD, `/join ${invite.code}`, 2);
    const [answer = ""] = await h.say(LEAD, "/xuat");
    expect(answer).toContain("Tải về (liên kết dùng được đến");
    expect(answer).not.toContain("npm run");
    const urls = answer.match(/http:\/\/127\.0\.0\.1:\d+\/downloads\/\S+/g) ?? [];
    // The spreadsheet, the CSV, the photos and the export's seal (manifest.sha256).
    expect(urls).toHaveLength(4);
    // Each with its size; Zalo bots cannot send files, so no offer to send them.
    expect(answer).toMatch(/1\. thidua-1-[a-z-]+\.xlsx \(\d+ KB\)\nhttp/);
    expect(answer).not.toContain("Gửi tệp");

    const xlsx = await fetch(urls[0] ?? "");
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-disposition")).toContain(".xlsx");
    expect(xlsx.headers.get("cache-control")).toBe("private, no-store");
    const rows = readXlsx(new Uint8Array(await xlsx.arrayBuffer()));
    // The rows, then the seal and how to check it.
    expect(rows).toHaveLength(1 + 7 * 3 + 2);
    const zip = await fetch(urls[2] ?? "");
    expect(zip.headers.get("content-type")).toBe("application/zip");
    expect((await zip.arrayBuffer()).byteLength).toBeGreaterThan(100);

    // A link altered by one character, or used after it expired, opens nothing.
    const forged = `${urls[0]?.slice(0, -1)}${urls[0]?.endsWith("A") ? "B" : "A"}`;
    const refused = await fetch(forged);
    expect(refused.status).toBe(404);
    expect(await refused.text()).toContain("Liên kết đã hết hạn hoặc không đúng");
    h.t.clock.advance(25 * 60 * 60 * 1000);
    expect((await fetch(urls[1] ?? "")).status).toBe(404);
  });
});

describe("review on Zalo", () => {
  it("takes self-scores typed on a phone, and brings a returned report's reason to the focal point", async () => {
    h = await startZaloBot();
    const { services } = h.t.app;
    await openScoredCampaign(h.t.app, h.t.clock.now());
    await h.say(LAN, `/join ${code(3)}`, 2);
    await h.say(LAN, "/baocao");
    await h.say(LAN, "1.");
    const [first] = await h.say(LAN, "bo qua");
    expect(first).toContain("Tự chấm tiêu chí 1/2: Trụ sở sạch đẹp (tối đa 10 điểm)");
    // No buttons on Zalo: no numbered list to confuse a score with a choice.
    expect(first).not.toContain("1. ");
    expect((await h.say(LAN, "8,5"))[0]).toContain("tiêu chí 2/2");
    expect((await h.say(LAN, "9 diem"))[0]).toContain("ảnh minh chứng");
    await h.say(LAN, "xong");
    await h.say(LAN, "co");
    const reportId = (await h.t.app.deps.db.report.findFirstOrThrow()).id;
    const item = await services.review.get(1, reportId);
    expect(item.criteria.map((c) => c.self)).toEqual([8.5, 9]);

    const lead = await h.t.app.deps.db.member.findFirstOrThrow({ where: { role: "LEAD" } });
    await services.review.returnReport(1, reportId, item.version, lead.id, "Thiếu ảnh cây xanh");
    const { sender } = h.t.app.startDelivery([h.t.transport, h.adapter.transport]);
    await sender.drainOnce();
    expect(h.fake.textsTo(LAN).at(-1)).toContain("Lý do: Thiếu ảnh cây xanh");
  });
});

describe("/trangweb on Zalo", () => {
  it("answers a one-time link that the phone's browser opens", async () => {
    h = await startZaloBot();
    await h.say(LAN, `/join ${code(3)}`, 2);
    const [answer = ""] = await h.say(LAN, "/trangweb");
    expect(answer).toContain("Mở bảng điều khiển (liên kết dùng một lần");
    const link = /http:\/\/127\.0\.0\.1:\d+\/web\/login\/\S+/.exec(answer)?.[0] ?? "";
    expect(link).not.toBe("");
    expect(h.fake.sent.at(-1)?.text).not.toContain("1. ");
  });
});
