import { afterEach, describe, expect, it } from "vitest";
import type { DemoInvite } from "../../src/features/blocs/demo.ts";
import { png } from "../helpers/images.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";
import type { TestApp } from "../helpers/testApp.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * /review with the report's photos in the chat: a lead judging evidence on a phone
 * need not leave the app. A focal point reports from the console with photos; the
 * lead reviews on Telegram (albums) or Zalo (photos by signed link, or the report's
 * dashboard page where Zalo cannot be sent photos), then decides in the same chat.
 */

const minh = { id: 502, first_name: "Minh" };
const LEAD_ZALO = "a1b2c3d4e5f6a7b8c9d0";

let telegram: TelegramHarness | null = null;
let zalo: ZaloHarness | null = null;
afterEach(async () => {
  await telegram?.close();
  await zalo?.close();
  telegram = null;
  zalo = null;
});

const photosFor = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ bytes: png(16, 16, 40 + i), fileName: `${i}.png` }));

/** Lan (unit 4) reports Done with self-scores and the photos; answers the report's id. */
async function reportWithPhotos(
  t: TestApp,
  invites: DemoInvite[],
  photos: { bytes: Uint8Array; fileName: string }[],
): Promise<number> {
  await openScoredCampaign(t.app, t.clock.now());
  const lan = () => t.chat.as("lan");
  await lan().send(`/join ${invites[3]?.code}`);
  for (const line of ["/baocao", "1", "Đã tổng vệ sinh", "8", "9"]) await lan().send(line);
  await lan().sendFiles(photos);
  await lan().send("xong");
  await lan().send("1");
  const report = await t.app.deps.db.report.findFirstOrThrow({ include: { evidence: true } });
  expect(report.evidence).toHaveLength(photos.length);
  return report.id;
}

async function leadInvite(t: TestApp): Promise<string> {
  const invite = await t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: null,
    role: "LEAD",
    issuer: "operator",
  });
  return invite.code;
}

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  Buffer.from(a ?? []).equals(Buffer.from(b ?? []));

describe("/review on Telegram", () => {
  it("shows ten of twelve photos as one album above the card, counts the rest, and the lead approves", async () => {
    const h = await startTelegramBot();
    telegram = h;
    const photos = photosFor(12);
    const reportId = await reportWithPhotos(h.t, h.invites, photos);
    await h.say(900, minh, `/join ${await leadInvite(h.t)}`, 2);

    const replies = await h.say(900, minh, "/xet", 11);
    expect(h.fake.calls.filter((c) => c.method === "sendMediaGroup")).toHaveLength(1);
    const shown = h.fake.sent.filter((m) => m.chatId === "900").slice(-11);
    expect(shown.slice(0, 10).map((m) => m.method)).toEqual(Array(10).fill("sendMediaGroup"));
    expect(shown.slice(0, 10).every((m, i) => same(m.photo, photos[i]?.bytes))).toBe(true);

    const card = shown[10];
    expect(card?.method).toBe("sendMessage");
    expect(replies.at(-1)).toBe(card?.text);
    expect(card?.text).toContain(`Báo cáo #${reportId} — Ban Tuyên giáo Tỉnh ủy`);
    expect(card?.text).toContain("12 ảnh minh chứng");
    expect(card?.text).toContain(
      `📷 Ở trên là 10/12 ảnh, và 2 ảnh khác xem trên trang web: ${h.http.url}/web/reviews/${reportId}`,
    );
    expect(card?.buttons.map((b) => b.text)).toEqual([
      "Duyệt",
      "Trả lại",
      "Chấm điểm",
      "Để sau",
      "Thôi",
    ]);

    const [approved] = await h.press(900, minh, "Duyệt");
    expect(approved).toContain("✅ Đã duyệt báo cáo của Ban Tuyên giáo Tỉnh ủy");
    const report = await h.t.app.deps.db.report.findUniqueOrThrow({ where: { id: reportId } });
    expect(report.reviewState).toBe("APPROVED");
  });

  it("sends a single photo as a photo (an album needs two), and the card says nothing more", async () => {
    const h = await startTelegramBot();
    telegram = h;
    const photos = photosFor(1);
    await reportWithPhotos(h.t, h.invites, photos);
    await h.say(900, minh, `/join ${await leadInvite(h.t)}`, 2);
    const [, card] = await h.say(900, minh, "/xet", 2);
    const photo = h.fake.sent.filter((m) => m.chatId === "900").at(-2);
    expect(photo?.method).toBe("sendPhoto");
    expect(same(photo?.photo, photos[0]?.bytes)).toBe(true);
    expect(card).toContain("1 ảnh minh chứng");
    expect(card).not.toContain("📷");
  });
});

describe("/review on Zalo", () => {
  it("sends each photo through a signed link when the bot has a public address; the lead approves by number", async () => {
    const h = await startZaloBot({ publicMedia: true });
    zalo = h;
    const photos = photosFor(3);
    const reportId = await reportWithPhotos(h.t, h.invites, photos);
    await h.say(LEAD_ZALO, `/join ${await leadInvite(h.t)}`, 2);

    const replies = await h.say(LEAD_ZALO, "/xet", 4);
    const sent = h.fake.sent.filter((s) => s.chatId === LEAD_ZALO).slice(-4);
    expect(sent.map((s) => s.method)).toEqual([
      "sendPhoto",
      "sendPhoto",
      "sendPhoto",
      "sendMessage",
    ]);
    for (const [i, s] of sent.slice(0, 3).entries()) {
      expect(s.photoUrl).toMatch(new RegExp(`^${h.http.url}/media/`));
      expect(s.photoStatus).toBe(200);
      expect(same(s.photo, photos[i]?.bytes)).toBe(true);
    }
    const card = replies.at(-1) ?? "";
    expect(card).toContain(`Báo cáo #${reportId} — Ban Tuyên giáo Tỉnh ủy`);
    expect(card).toContain("3 ảnh minh chứng");
    expect(card).not.toContain("/web/reviews/");
    expect(card).toContain("1. Duyệt");

    const [approved] = await h.say(LEAD_ZALO, "1");
    expect(approved).toContain("✅ Đã duyệt báo cáo của Ban Tuyên giáo Tỉnh ủy");
    const report = await h.t.app.deps.db.report.findUniqueOrThrow({ where: { id: reportId } });
    expect(report.reviewState).toBe("APPROVED");
  });

  it("gives the report's dashboard page instead when Zalo cannot be sent photos; the lead returns by number", async () => {
    const h = await startZaloBot();
    zalo = h;
    const reportId = await reportWithPhotos(h.t, h.invites, photosFor(2));
    await h.say(LEAD_ZALO, `/join ${await leadInvite(h.t)}`, 2);

    const [card = ""] = await h.say(LEAD_ZALO, "/xet");
    expect(h.fake.sent.some((s) => s.method === "sendPhoto")).toBe(false);
    expect(card).toContain("2 ảnh minh chứng");
    expect(card).toContain(
      `📷 Xem ảnh minh chứng trên trang web: ${h.http.url}/web/reviews/${reportId} (nếu trang hỏi đăng nhập, gửi /trangweb)`,
    );
    expect(card).toContain("2. Trả lại");

    expect((await h.say(LEAD_ZALO, "2"))[0]).toContain("Lý do trả lại");
    const [returned] = await h.say(LEAD_ZALO, "Ảnh chưa rõ cây xanh");
    expect(returned).toContain("↩️ Đã trả lại báo cáo của Ban Tuyên giáo Tỉnh ủy");
    const report = await h.t.app.deps.db.report.findUniqueOrThrow({ where: { id: reportId } });
    expect(report.reviewState).toBe("RETURNED");
  });
});
