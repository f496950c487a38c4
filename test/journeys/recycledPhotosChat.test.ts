import { afterEach, describe, expect, it } from "vitest";
import { edits, scenePhoto } from "../helpers/scenes.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * Recycled photos on the platforms units and leads use: units send a photo and its
 * re-sent copy on Zalo, and the lead sees the flag on the /review card, on Zalo (typed
 * numbers, no photos without a public address) and on Telegram.
 */

let zalo: ZaloHarness | undefined;
let telegram: TelegramHarness | undefined;
afterEach(async () => {
  await zalo?.close();
  await telegram?.close();
  zalo = undefined;
  telegram = undefined;
});

const TO_CHUC = "1a2b3c4d5e6f70819203";
const TUYEN_GIAO = "2b3c4d5e6f7081920314";
const LEAD = "a1b2c3d4e5f6a7b8c9d0";

async function joinOnZalo(
  h: ZaloHarness,
  userId: string,
  unitId: number | null,
  role: "FOCAL" | "LEAD",
) {
  const invite = await h.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId,
    role,
    issuer: "operator",
  });
  await h.say(userId, `/join ${invite.code}`, 2);
}

async function photoOnZalo(h: ZaloHarness, userId: string, bytes: Uint8Array) {
  const before = h.fake.textsTo(userId).length;
  h.fake.image(userId, "Cán bộ", bytes, { caption: "#xanhsachdep" });
  await h.fake.until(() => h.fake.textsTo(userId).length > before, 8000, "the answer");
  return h.fake.textsTo(userId).at(-1) ?? "";
}

describe("a recycled photo on the /review card", () => {
  it("is flagged to the lead on Zalo, naming the unit that filed it first", async () => {
    const h = await startZaloBot();
    zalo = h;
    await joinOnZalo(h, TO_CHUC, 2, "FOCAL");
    await joinOnZalo(h, TUYEN_GIAO, 4, "FOCAL");
    await joinOnZalo(h, LEAD, null, "LEAD");
    const original = await scenePhoto(51);
    expect(await photoOnZalo(h, TO_CHUC, original)).toContain("✅ Đã lưu 1 ảnh");
    const resent = await photoOnZalo(
      h,
      TUYEN_GIAO,
      await edits.recompressed(await edits.halfSize(original)),
    );
    expect(resent).toContain("✅ Đã lưu 1 ảnh");
    expect(resent).not.toContain("Ban Tổ chức");

    const [first = ""] = await h.say(LEAD, "/xet");
    expect(first).toContain("Ban Tổ chức Tỉnh ủy");
    expect(first).not.toContain("⚠️");
    const [second = ""] = await h.say(LEAD, "3"); // Để sau: the next report
    expect(second).toContain("— Ban Tuyên giáo Tỉnh ủy");
    expect(second).toMatch(
      /⚠️ Ảnh #2 giống ảnh #1 của Ban Tổ chức Tỉnh ủy \(gửi .+\): cùng một ảnh, lệch \d\/64\./,
    );
    expect(second).toContain("1. Duyệt");
  }, 60_000);

  it("is flagged to the lead on Telegram", async () => {
    const h = await startTelegramBot();
    telegram = h;
    const minh = { id: 900, first_name: "Minh" };
    await h.t.chat.as("to").send(`/join ${h.invites[1]?.code}`);
    await h.t.chat.as("dan").send(`/join ${h.invites[4]?.code}`);
    const original = await scenePhoto(52);
    await h.t.chat.as("to").sendFiles([{ bytes: original, fileName: "a.jpg" }], "#xanhsachdep");
    await h.t.chat
      .as("dan")
      .sendFiles([{ bytes: await edits.mirrored(original), fileName: "b.jpg" }], "#xanhsachdep");
    const lead = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await h.say(900, minh, `/join ${lead.code}`, 2);
    // Each card comes after its photo.
    await h.say(900, minh, "/xet", 2);
    const [, card] = await h.press(900, minh, "Để sau", 2);
    expect(card).toContain("— Ban Dân vận Tỉnh ủy");
    expect(card).toMatch(
      /⚠️ Ảnh #2 giống ảnh #1 của Ban Tổ chức Tỉnh ủy .+: cùng một ảnh, lệch \d\/64\. \(ảnh bị lật ngược\)/,
    );
  }, 60_000);
});
