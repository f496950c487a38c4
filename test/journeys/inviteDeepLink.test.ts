import { afterEach, describe, expect, it } from "vitest";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";

/* /invite in chat gives what the dashboard's form gives: on Telegram, a link that joins. */

let h: TelegramHarness;
afterEach(() => h?.close());

const lead = { id: 900, first_name: "Minh", language_code: "vi" };
const hoa = { id: 701, first_name: "Hoa" };

describe("/invite on Telegram", () => {
  it("answers the deep link with the code, and the link's /start joins the unit", async () => {
    h = await startTelegramBot();
    const invite = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await h.say(900, lead, `/join ${invite.code}`, 2);
    const [issued = "", link = ""] = await h.say(900, lead, "/invite 4 focal", 2);
    expect(issued).toContain("Cán bộ đầu mối · Ban Tuyên giáo Tỉnh ủy");
    const plain = /\/(?:join|thamgia) ([A-Z0-9]+)/.exec(issued)?.[1] ?? "";
    expect(link).toContain(`https://t.me/thidua_test_bot?start=${plain}`);
    // Opening the link makes Telegram send "/start CODE" from the new person.
    const [joined = ""] = await h.say(701, hoa, `/start ${plain}`, 2);
    expect(joined).toContain("Ban Tuyên giáo Tỉnh ủy");
  });
});
