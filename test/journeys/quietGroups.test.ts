import { afterEach, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegramApi.ts";
import { png } from "../helpers/images.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";

/*
 * A unit's Telegram group is where its people share photos among themselves. The bot
 * speaks up about a photo only when it is sent to it (a reply to the bot, a campaign's
 * hashtag, a form open); a tap on someone else's button is answered to the one who
 * tapped, not to the group; a prompt once answered keeps no buttons to tap.
 */

const GROUP = -1001;
const lan: FakeUser = { id: 501, first_name: "Lan", language_code: "vi" };
const tuan: FakeUser = { id: 503, first_name: "Tuấn", language_code: "vi" };
const stranger: FakeUser = { id: 777, first_name: "Khách", language_code: "vi" };
const NOT_YOURS = "Nút này không dành cho bạn hoặc đã hết hiệu lực; không có gì thay đổi.";

let h: TelegramHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Waits until the bot has dealt with an update (answered or not). */
async function handled(bot: TelegramHarness, updateId: number) {
  for (let i = 0; i < 300; i++) {
    const row = await bot.t.app.deps.db.inboundUpdate.findFirst({
      where: { platform: "telegram", updateKey: String(updateId) },
    });
    if (row?.status === "DONE") return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`update ${updateId} was not handled`);
}

async function linkedGroup() {
  const bot = await startTelegramBot();
  const focal = (bot.invites[3]?.code ?? "").replace("-", "");
  await bot.say(501, lan, `/join ${focal}`, 2);
  const officer = await bot.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: 4,
    role: "OFFICER",
    issuer: "operator",
  });
  await bot.say(503, tuan, `/join ${officer.code}`, 2);
  await bot.say(GROUP, lan, `/join@thidua_test_bot ${focal}`);
  return bot;
}

describe("a linked Telegram group", () => {
  it("hears nothing about photos shared among members, and is asked only about one sent to the bot", async () => {
    h = await linkedGroup();
    const link = h.fake.sent.filter((m) => m.chatId === String(GROUP)).at(-1);
    const said = h.fake.textsIn(GROUP).length;
    await handled(h, h.fake.photo(GROUP, tuan, png(30, 30, 1)));
    await handled(h, h.fake.photo(GROUP, stranger, png(30, 30, 2)));
    expect(h.fake.textsIn(GROUP)).toHaveLength(said);
    expect(await h.t.app.deps.db.evidence.count()).toBe(0);

    h.fake.photo(GROUP, tuan, png(30, 30, 3), { replyTo: link?.messageId ?? 0 });
    await h.fake.until(() => (h?.fake.textsIn(GROUP).length ?? 0) > said, 5000, "the question");
    expect(h.fake.textsIn(GROUP).at(-1)).toContain("Lưu 1 ảnh làm minh chứng cho");

    // A campaign's hashtag is a label: filed, no question.
    h.fake.photo(GROUP, lan, png(30, 30, 4), { caption: "#xanhsachdep" });
    await h.fake.until(() => /Đã lưu 1 ảnh/.test(h?.fake.textsIn(GROUP).at(-1) ?? ""));
  });

  it("answers a stranger's and another member's tap with a toast, and takes the buttons off an answered prompt", async () => {
    h = await linkedGroup();
    const bot = h;
    const link = bot.fake.sent.filter((m) => m.chatId === String(GROUP)).at(-1);
    const said = bot.fake.textsIn(GROUP).length;
    bot.fake.photo(GROUP, tuan, png(30, 30, 5), { replyTo: link?.messageId ?? 0 });
    await bot.fake.until(() => bot.fake.textsIn(GROUP).length > said, 5000, "the question");
    const prompt = bot.fake.sent.at(-1);
    expect(prompt?.buttons.map((b) => b.text)).toEqual(["Có, lưu", "Không lưu"]);

    const sends = bot.fake.sent.length;
    for (const [who, n] of [
      [stranger, 1],
      [lan, 2],
    ] as const) {
      await handled(bot, bot.fake.press(GROUP, who, "Có, lưu"));
      expect(bot.fake.pressAnswers).toHaveLength(n);
      expect(bot.fake.pressAnswers.at(-1)?.text).toBe(NOT_YOURS);
    }
    expect(bot.fake.sent.length).toBe(sends);
    expect(prompt?.buttons).toHaveLength(2);
    expect(await bot.t.app.deps.db.evidence.count()).toBe(0);

    const [saved] = await bot.press(GROUP, tuan, "Có, lưu");
    expect(saved).toContain("✅ Đã lưu 1 ảnh minh chứng");
    expect(prompt?.buttons).toEqual([]);
    expect(bot.fake.pressAnswers.at(-1)?.text).toBe("");
    // Each tap answered once (Telegram refuses a second answer).
    expect(bot.fake.calls.filter((c) => c.method === "answerCallbackQuery")).toHaveLength(3);
    expect(await bot.t.app.deps.db.evidence.count()).toBe(1);
  });
});
