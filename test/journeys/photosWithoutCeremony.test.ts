import { afterEach, describe, expect, it } from "vitest";
import { png } from "../helpers/images.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * Officers send a photo and expect it to count: without the hashtag, several at once
 * (Zalo sends each as its own message), before the form asks, or as a reply.
 */

let zalo: ZaloHarness | undefined;
let telegram: TelegramHarness | undefined;
afterEach(async () => {
  await zalo?.close();
  await telegram?.close();
  zalo = undefined;
  telegram = undefined;
});

const LAN = "6ede9afa66b88fe6d6a9";
const HOA = "7a1b2c3d4e5f60718293";

async function officerOnZalo(h: ZaloHarness, userId: string) {
  const invite = await h.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: 4,
    role: "OFFICER",
    issuer: "operator",
  });
  await h.say(userId, `/join ${invite.code}`, 2);
}

/** Sends photos as Zalo does (one message each) and waits for `expect` answers. */
async function sendPhotos(h: ZaloHarness, userId: string, captions: string[], expect = 1) {
  const before = h.fake.textsTo(userId).length;
  captions.forEach((caption, i) => {
    h.fake.image(userId, "Hoa", png(30 + i, 20, 40 + i), { caption });
  });
  await h.fake.until(() => h.fake.textsTo(userId).length >= before + expect, 8000, "answers");
  // Anything more than expected would arrive within the burst window: wait it out.
  await new Promise((r) => setTimeout(r, 500));
  return h.fake.textsTo(userId).slice(before);
}

describe("photos on Zalo", () => {
  it("files a burst of three photos with one caption together, and answers once", async () => {
    zalo = await startZaloBot();
    await officerOnZalo(zalo, HOA);
    const answers = await sendPhotos(zalo, HOA, ["", "#XanhSachDep tổng vệ sinh", ""]);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain(
      "✅ Đã lưu 3 ảnh minh chứng: Ban Tuyên giáo Tỉnh ủy · Xây dựng cơ quan",
    );
    expect(await zalo.t.app.deps.db.evidence.count()).toBe(3);
  });

  it("asks an officer where a photo without the hashtag goes, and files it on a typed yes", async () => {
    zalo = await startZaloBot();
    await officerOnZalo(zalo, HOA);
    const [question] = await sendPhotos(zalo, HOA, ["", ""]);
    expect(question).toBe(
      "Lưu 2 ảnh làm minh chứng cho “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn”, hạn 17:00 09/03/2026?\n\n1. Có, lưu\n2. Không lưu\nTrả lời 1 hoặc 2.",
    );
    expect(await zalo.t.app.deps.db.evidence.count()).toBe(0);
    const [saved] = await zalo.say(HOA, "co");
    expect(saved).toContain("✅ Đã lưu 2 ảnh minh chứng");
    expect(await zalo.t.app.deps.db.evidence.count()).toBe(2);
  });

  it("files nothing when the officer answers no", async () => {
    zalo = await startZaloBot();
    await officerOnZalo(zalo, HOA);
    await sendPhotos(zalo, HOA, [""]);
    expect(await zalo.say(HOA, "ko")).toEqual(["Đã bỏ qua: ảnh không được gắn vào báo cáo nào."]);
    expect(await zalo.t.app.deps.db.evidence.count()).toBe(0);
    expect(await zalo.t.app.deps.db.report.count()).toBe(0);
  });

  it("asks which campaign when two are running, and takes the answer typed as a number", async () => {
    zalo = await startZaloBot();
    const { services } = zalo.t.app;
    const second = await services.campaigns.create(
      1,
      {
        title: "Hội thi Văn Thể Mỹ",
        description: "",
        startsAt: new Date("2026-03-01T00:00:00+07:00"),
        endsAt: new Date("2026-04-30T23:59:00+07:00"),
        criteria: [],
        deadlines: [new Date("2026-04-20T17:00:00+07:00")],
        hashtag: "#vanthemy",
      },
      "operator",
    );
    await services.campaigns.activate(1, second.id, "operator");
    await officerOnZalo(zalo, HOA);
    const [question] = await sendPhotos(zalo, HOA, [""]);
    expect(question).toContain("Lưu 1 ảnh làm minh chứng cho đợt thi đua nào?");
    expect(question).toContain("3. Không lưu");
    const [saved] = await zalo.say(HOA, question?.includes("1. Hội thi") ? "1." : "2.");
    expect(saved).toContain("· Hội thi Văn Thể Mỹ · hạn 17:00 20/04/2026");
  });

  it("keeps photos sent before the photo step and attaches them to the report", async () => {
    zalo = await startZaloBot();
    await zalo.say(LAN, `/join ${zalo.invites[3]?.code}`, 2);
    await zalo.say(LAN, "/baocao");
    await zalo.say(LAN, "1");
    const [kept] = await sendPhotos(zalo, LAN, ["", ""]);
    expect(kept).toContain("Đã giữ 2 ảnh; ảnh sẽ được gắn vào báo cáo ở bước gửi ảnh.");
    expect(kept).toContain("1. Đã hoàn thành");
    await zalo.say(LAN, "1");
    expect((await zalo.say(LAN, "Đã tổng vệ sinh"))[0]).toContain("Gửi ảnh minh chứng");
    const [summary] = await zalo.say(LAN, "xong");
    expect(summary).toContain("Ảnh: 2");
    expect((await zalo.say(LAN, "1"))[0]).toContain("Đã hoàn thành, 2 ảnh minh chứng");
    expect(await zalo.t.app.deps.db.evidence.count()).toBe(2);
  });

  it("reports a photo over the limit with the size the server declared", async () => {
    zalo = await startZaloBot({ env: { EVIDENCE_MAX_BYTES: "2000" } });
    await officerOnZalo(zalo, HOA);
    const big = png(200, 200, 9, true);
    expect(big.length).toBeGreaterThan(2000);
    const before = zalo.fake.textsTo(HOA).length;
    zalo.fake.image(HOA, "Hoa", big, { caption: "#xanhsachdep" });
    await zalo.fake.until(() => zalo?.fake.textsTo(HOA).length !== before);
    expect(zalo.fake.textsTo(HOA).at(-1)).toContain(
      `Ảnh quá lớn (${Math.ceil(big.length / 1024)} KB). Giới hạn là 2 KB.`,
    );
  });
});

describe("photos on Telegram", () => {
  it("asks which campaign for a photo replying to a plain announcement", async () => {
    telegram = await startTelegramBot();
    const h = telegram;
    const minh = { id: 900, first_name: "Minh" };
    const lan = { id: 501, first_name: "Lan" };
    const leadCode = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await h.say(900, minh, `/join ${leadCode.code}`, 2);
    await h.say(501, lan, `/join ${h.invites[3]?.code}`, 2);
    await h.say(900, minh, "/announce Họp giao ban thứ Hai lúc 8 giờ");
    await h.press(900, minh, "Không có ảnh");
    await h.press(900, minh, "Cả khối (7 đơn vị)");
    await h.press(900, minh, "Gửi");
    const { sender } = h.t.app.startDelivery([h.t.transport, h.adapter.transport]);
    await sender.drainOnce();
    const announcement = h.fake.sent.find(
      (m) => m.chatId === "501" && m.text.includes("Họp giao ban"),
    );
    expect(announcement).toBeDefined();
    const before = h.fake.textsIn(501).length;
    h.fake.photo(501, lan, png(24, 24, 12), { replyTo: announcement?.messageId });
    await h.fake.until(() => h.fake.textsIn(501).length > before);
    expect(h.fake.textsIn(501).at(-1)).toContain(
      "Lưu 1 ảnh làm minh chứng cho “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn”",
    );
    expect(h.fake.sent.at(-1)?.buttons.map((b) => b.text)).toEqual(["Có, lưu", "Không lưu"]);
    await h.press(501, lan, "Có, lưu");
    expect(h.fake.textsIn(501).at(-1)).toContain("✅ Đã lưu 1 ảnh minh chứng");
  });
});
