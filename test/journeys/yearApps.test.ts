import { afterEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import type { FakeUser } from "../fakes/telegramApi.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";
import { texts } from "../helpers/testApp.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * The year on the two apps: on Zalo every step is a typed number; on Telegram the
 * same choices are buttons, and a forged button for a candidate not on the ballot
 * changes nothing. The lead works from the console beside them.
 */

let running: (TelegramHarness | ZaloHarness)[] = [];
afterEach(async () => {
  for (const h of running) await h.close();
  running = [];
});

const candidateIds = async (h: TelegramHarness | ZaloHarness) =>
  (await h.t.app.services.blocs.listUnits(1)).slice(1, 3).map((u) => u.id);

async function openBallot(h: TelegramHarness | ZaloHarness, quorum?: number) {
  await h.t.app.services.ballots.open(
    1,
    {
      question: "Suy tôn đơn vị dẫn đầu Khối năm 2026",
      candidates: await candidateIds(h),
      choose: 1,
      closesAt: new Date(h.t.clock.now().getTime() + DAY),
      ...(quorum ? { quorum } : {}),
    },
    "operator",
  );
}

const lead = (h: TelegramHarness | ZaloHarness, text: string) =>
  h.t.chat
    .as(DEMO_LEAD)
    .send(text)
    .then((r) => texts(r));

describe("the year on Zalo, typed as numbers", () => {
  it("registers a unit and votes, each answer a number", async () => {
    const h = await startZaloBot();
    running.push(h);
    await h.say("z1", `/thamgia ${h.invites[1]?.code}`);
    await h.say("z2", `/thamgia ${h.invites[2]?.code}`);
    await lead(h, "/dangky");
    await lead(h, "31/3");
    expect(await lead(h, "1")).toContain("Đã mở đăng ký thi đua năm 2026");

    const [titles = ""] = await h.say("z1", "/dangky");
    expect(titles).toContain("1. ☐ Tập thể Lao động xuất sắc");
    expect(titles).toContain("5. Xong");
    expect((await h.say("z1", "1"))[0]).toContain("1. ☑ Tập thể Lao động xuất sắc");
    expect((await h.say("z1", "5"))[0]).toContain("Gõ các chỉ tiêu");
    await h.say("z1", "Hoàn thành 100% nhiệm vụ");
    const [preview = ""] = await h.say("z1", "xong");
    expect(preview).toContain("1. Gửi đăng ký");
    expect((await h.say("z1", "1"))[0]).toContain("Đã gửi đăng ký của Ban Tổ chức Tỉnh ủy");
    await lead(h, "/dangky");
    await lead(h, "1");
    expect(await lead(h, "1")).toContain("Đã duyệt đăng ký của Ban Tổ chức Tỉnh ủy");

    await openBallot(h);
    const [ballot = ""] = await h.say("z1", "/bophieu");
    expect(ballot).toContain("1. Ban Tổ chức Tỉnh ủy\n2. Ủy ban Kiểm tra Tỉnh ủy");
    expect((await h.say("z1", "3"))[0]).toContain("Vui lòng chọn một trong các lựa chọn");
    expect((await h.say("z1", "2"))[0]).toContain("Bạn chọn 1 đơn vị: Ủy ban Kiểm tra Tỉnh ủy");
    expect((await h.say("z1", "1"))[0]).toContain("Đã ghi phiếu kín của Ban Tổ chức Tỉnh ủy");
    await h.say("z2", "/bophieu");
    await h.say("z2", "2");
    expect((await h.say("z2", "1"))[0]).toContain("Đã ghi phiếu kín");
    const result = await h.t.app.services.ballots.close(1, 1, "operator");
    expect(result.candidates.map((c) => c.votes)).toEqual([0, 2]);
    // Voting after closing is refused, and the unit is shown the result instead.
    const [after = ""] = await h.say("z2", "/bophieu");
    expect(after).toContain("Không có cuộc bỏ phiếu nào đang mở");
    expect(after).toContain("2. Ủy ban Kiểm tra Tỉnh ủy: 2 phiếu");
  }, 60_000);
});

describe("the year on Telegram, with buttons", () => {
  const lan: FakeUser = { id: 501, first_name: "Lan", language_code: "vi" };
  const minh: FakeUser = { id: 502, first_name: "Minh", language_code: "en" };

  it("ticks titles and candidates with buttons, and refuses a forged candidate", async () => {
    const h = await startTelegramBot();
    running.push(h);
    await h.say(501, lan, `/start ${h.invites[1]?.code ?? ""}`, 2);
    await h.say(502, minh, `/start ${h.invites[2]?.code ?? ""}`, 2);
    await lead(h, "/dangky");
    await lead(h, "31/3");
    await lead(h, "1");

    await h.say(501, lan, "/dangky");
    await h.press(501, lan, "☐ Cờ thi đua của UBND tỉnh");
    expect(h.fake.sent.at(-1)?.buttons.map((b) => b.text)).toContain("☑ Cờ thi đua của UBND tỉnh");
    expect((await h.press(501, lan, "Xong"))[0]).toContain("Gõ các chỉ tiêu");
    await h.say(501, lan, "Không có vi phạm");
    await h.press(501, lan, "Xong");
    expect((await h.press(501, lan, "Gửi đăng ký"))[0]).toContain("Đã gửi đăng ký");
    const records = await h.t.app.services.registrations.records(1, 2026);
    expect(records[1]).toMatchObject({
      titles: ["Cờ thi đua của UBND tỉnh"],
      commitments: ["Không có vi phạm"],
      state: "AWAITING",
    });

    await h.t.app.services.ballots.setThreshold(1, 20, "operator");
    await openBallot(h, 2);
    const [ballot = ""] = await h.say(501, lan, "/bophieu");
    expect(ballot).toContain("Phiếu kín");
    // A button for a unit that is not a candidate (the lead's own unit) was never offered.
    const before = h.fake.textsIn(501).length;
    const [first] = (await h.t.app.services.blocs.listUnits(1)).map((u) => u.id);
    h.fake.pressData(501, lan, `c:t${first}`);
    await h.fake.until(() => h.fake.textsIn(501).length > before);
    expect(h.fake.textsIn(501).at(-1)).toContain("không còn hiệu lực");
    await h.press(501, lan, "Ban Tổ chức Tỉnh ủy");
    expect((await h.press(501, lan, "Bỏ phiếu"))[0]).toContain("Đã ghi phiếu kín");
    // English speakers vote in English.
    const [english = ""] = await h.say(502, minh, "/vote");
    expect(english).toContain("Secret ballot");
    await h.press(502, minh, "Ban Tổ chức Tỉnh ủy");
    expect((await h.press(502, minh, "Cast vote"))[0]).toContain("secret vote is recorded");
    expect(await h.t.app.deps.db.ballotVoter.count()).toBe(2);

    // The result reaches every member in their language through the outbox.
    await h.t.app.services.ballots.close(1, 1, "operator");
    const { sender } = h.t.app.startDelivery([h.adapter.transport]);
    const heard = (chat: number) => h.fake.textsIn(chat).join("\n");
    for (let pass = 0; pass < 20; pass++) {
      await sender.drainOnce();
      const done =
        heard(502).includes("Secret ballot result") && heard(501).includes("Kết quả bỏ phiếu kín");
      if (done) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(heard(501)).toContain("Kết quả bỏ phiếu kín");
    expect(heard(502)).toContain("Secret ballot result");
    expect(heard(502)).toContain("Elected: Ban Tổ chức Tỉnh ủy.");
  }, 60_000);
});
