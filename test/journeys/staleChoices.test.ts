import { afterEach, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegramApi.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";

/*
 * Buttons are bound to what was offered: a forged or stale callback changes nothing,
 * and a report re-checks the campaign and the member at the moment it is saved.
 */

const lan: FakeUser = { id: 501, first_name: "Lan", language_code: "vi" };
let h: TelegramHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const NO_LONGER = "Nút hoặc lựa chọn này không còn hiệu lực";

async function joined() {
  h = await startTelegramBot();
  await h.say(501, lan, `/start ${h.invites[3]?.code ?? ""}`, 2);
  return h;
}

describe("a forged or stale button", () => {
  it("is refused when it was never offered (another campaign's deadline), and the form waits on", async () => {
    const bot = await joined();
    await bot.say(501, lan, "/report");
    const offered = bot.fake.sent.at(-1)?.buttons.map((b) => b.data) ?? [];
    expect(offered).toHaveLength(3);
    const before = bot.fake.textsIn(501).length;
    bot.fake.pressData(501, lan, "c:d999");
    await bot.fake.until(() => bot.fake.textsIn(501).length > before);
    expect(bot.fake.textsIn(501).at(-1)).toContain(NO_LONGER);
    // The real button still works: nothing moved.
    expect(await bot.press(501, lan, "17:00 09/03/2026 (gần nhất)")).toEqual([
      "Tình trạng thực hiện?",
    ]);
    expect(await bot.t.app.deps.db.report.count()).toBe(0);
  });

  it("is refused when it belongs to an earlier step", async () => {
    const bot = await joined();
    await bot.say(501, lan, "/report");
    const deadlineButton = bot.fake.sent.at(-1)?.buttons[1]?.data ?? "";
    await bot.press(501, lan, "17:00 09/03/2026 (gần nhất)");
    const before = bot.fake.textsIn(501).length;
    bot.fake.pressData(501, lan, deadlineButton);
    await bot.fake.until(() => bot.fake.textsIn(501).length > before);
    expect(bot.fake.textsIn(501).at(-1)).toContain(NO_LONGER);
    expect(await bot.press(501, lan, "Đã hoàn thành")).toHaveLength(1);
  });

  it("files nothing when the campaign closed while the form was open", async () => {
    const bot = await joined();
    await bot.say(501, lan, "/report");
    await bot.press(501, lan, "17:00 09/03/2026 (gần nhất)");
    await bot.press(501, lan, "Đã hoàn thành");
    await bot.say(501, lan, "Đã tổng vệ sinh");
    await bot.press(501, lan, "Không có ảnh");
    await bot.t.app.services.campaigns.close(1, 1, "operator");
    const [answer] = await bot.press(501, lan, "Gửi báo cáo");
    expect(answer).toContain("đợt thi đua đang ở trạng thái CLOSED");
    expect(await bot.t.app.deps.db.report.count()).toBe(0);
  });
});
