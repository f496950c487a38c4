import { afterEach, describe, expect, it } from "vitest";
import { png } from "../helpers/images.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * An officer on a slow phone: Zalo hands over each photo of a burst as its own
 * message, seconds apart. The bot answers the burst once, at the sender's pace, and
 * a photo it cannot fetch is asked for again while the officer is still there.
 * Time between photos passes on the bot's clock (the test moves it), not in sleeps.
 */

let h: ZaloHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOA = "7a1b2c3d4e5f60718293";
const ASK_AGAIN = "Mình chưa nhận được ảnh bạn vừa gửi";
/** The bot's own first wait (ZALO_PHOTO_BURST_MS), for someone whose pace it does not know. */
const FIRST_WAIT = 8_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function officer(options: Parameters<typeof startZaloBot>[0] = {}) {
  const bot = await startZaloBot({ photoBurstMs: FIRST_WAIT, ...options });
  const invite = await bot.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: 4,
    role: "OFFICER",
    issuer: "operator",
  });
  await bot.say(HOA, `/join ${invite.code}`, 2);
  return bot;
}

let seed = 0;
/** Hoa sends photos `gapMs` apart on the bot's clock; each is fetched before the next. */
async function photosApart(bot: ZaloHarness, gapMs: number, captions: string[]) {
  for (const [i, caption] of captions.entries()) {
    if (i > 0) bot.t.clock.advance(gapMs);
    const fetched = bot.fake.imageFetches.length;
    seed++;
    bot.fake.image(HOA, "Hoa", png(30 + seed, 20, 40 + seed), { caption });
    await bot.fake.until(() => bot.fake.imageFetches.length > fetched, 5000, "the photo fetched");
    await pause(50);
  }
}

/** Nothing more for Hoa for a moment of real time (the clock stands still meanwhile, nearly). */
async function quiet(bot: ZaloHarness, count: number) {
  await pause(400);
  expect(bot.fake.textsTo(HOA)).toHaveLength(count);
}

/** Moves the clock by `ms` and collects what Hoa gets. */
async function answersAfter(bot: ZaloHarness, ms: number, expectCount: number) {
  const before = bot.fake.textsTo(HOA).length;
  bot.t.clock.advance(ms);
  await bot.fake.until(
    () => bot.fake.textsTo(HOA).length >= before + expectCount,
    4000,
    `${expectCount} answers`,
  );
  await pause(400);
  return bot.fake.textsTo(HOA).slice(before);
}

describe("a burst of photos on Zalo", () => {
  for (const gap of [1_000, 3_000, 6_000]) {
    it(`${gap / 1000} s apart, the hashtag on the first: one answer, every photo filed under it`, async () => {
      h = await officer();
      const before = h.fake.textsTo(HOA).length;
      await photosApart(h, gap, ["#XanhSachDep tổng vệ sinh", "", "", ""]);
      await quiet(h, before);
      const answers = await answersAfter(h, 2 * gap + 500, 1);
      expect(answers).toHaveLength(1);
      expect(answers[0]).toContain(
        "✅ Đã lưu 4 ảnh minh chứng: Ban Tuyên giáo Tỉnh ủy · Xây dựng cơ quan",
      );
      expect(answers.join("\n")).not.toContain("bước gửi ảnh");
      expect(await h.t.app.deps.db.evidence.count()).toBe(4);
    });
  }

  it("keeps a slow phone's group open past the first wait, and a quick phone's next photo is answered sooner", async () => {
    h = await officer();
    const start = h.fake.textsTo(HOA).length;
    await photosApart(h, 6_000, ["#xanhsachdep", "", ""]);
    // 8 s after the last photo a first-time sender's lone photo would be answered;
    // this one sends a photo every 6 s, so the group waits on.
    h.t.clock.advance(FIRST_WAIT + 500);
    await quiet(h, start);
    expect(await answersAfter(h, 4_000, 1)).toEqual([expect.stringContaining("Đã lưu 3 ảnh")]);

    // A minute later, on a quick network: two photos 0.5 s apart, then, another minute
    // later, one alone, answered without the first-timer's 8 s wait.
    h.t.clock.advance(60_000);
    await photosApart(h, 500, ["#xanhsachdep", ""]);
    expect(await answersAfter(h, 1_600, 1)).toEqual([expect.stringContaining("Đã lưu 2 ảnh")]);
    h.t.clock.advance(60_000);
    await photosApart(h, 0, ["#xanhsachdep"]);
    expect(await answersAfter(h, 1_600, 1)).toEqual([expect.stringContaining("Đã lưu 1 ảnh")]);
  });

  it("is bounded: a photo 25 s later is a new message, and no one without a form hears of one", async () => {
    h = await officer();
    await photosApart(h, 0, ["#xanhsachdep"]);
    expect(await answersAfter(h, FIRST_WAIT + 100, 1)).toEqual([
      expect.stringContaining("Đã lưu 1 ảnh"),
    ]);
    h.t.clock.advance(25_000);
    await photosApart(h, 0, [""]);
    const [question] = await answersAfter(h, FIRST_WAIT + 100, 1);
    expect(question).toContain("Lưu 1 ảnh làm minh chứng cho “Xây dựng cơ quan");
    h.t.clock.advance(25_000);
    await photosApart(h, 0, [""]);
    const [again] = await answersAfter(h, FIRST_WAIT + 100, 1);
    expect(again).toContain("Lưu 2 ảnh làm minh chứng cho “Xây dựng cơ quan");
    expect(again).not.toContain("bước gửi ảnh");
    expect(await h.t.app.deps.db.evidence.count()).toBe(1);
  });

  it("closes when the sender writes something else, and answers the photos first", async () => {
    h = await officer();
    await photosApart(h, 2_000, ["#xanhsachdep", ""]);
    const answers = await h.say(HOA, "/tinhhinh", 2);
    expect(answers[0]).toContain("Đã lưu 2 ảnh");
    expect(answers[1]).toContain("Ban Tuyên giáo Tỉnh ủy");
  });
});

describe("a photo Zalo cannot give", () => {
  // The bot's own retry settings: without a bound, a failing photo waited minutes.
  const env = { INBOX_RETRY_BASE_MS: "2000", INBOX_MAX_ATTEMPTS: "8" };

  it("whose URL answers 404 is asked for again at once", async () => {
    h = await officer({ env });
    const before = h.fake.textsTo(HOA).length;
    h.fake.goneImage(HOA, "Hoa", "#xanhsachdep");
    await h.fake.until(() => h?.fake.textsTo(HOA).length !== before, 3000, "an answer");
    expect(h.fake.textsTo(HOA).slice(before)).toEqual([
      "Mình chưa nhận được ảnh bạn vừa gửi (tải ảnh từ Zalo/Telegram không thành). Vui lòng gửi lại ảnh.",
    ]);
    expect(h.fake.imageFetches).toHaveLength(1);
    expect(await h.t.app.deps.db.evidence.count()).toBe(0);
  });

  it("that keeps failing is asked for again within 30 s of the bot's clock", async () => {
    h = await officer({ env });
    const before = h.fake.textsTo(HOA).length;
    h.fake.imageFailures = 1_000;
    const sentAt = h.t.clock.now().getTime();
    h.fake.image(HOA, "Hoa", png(50, 50, 3), { caption: "#xanhsachdep" });
    // A quarter of a second of the bot's time every 50 ms: retries come due by the clock.
    while (h.fake.textsTo(HOA).length === before) {
      expect(h.t.clock.now().getTime() - sentAt).toBeLessThan(30_000);
      h.t.clock.advance(250);
      await pause(50);
    }
    expect(h.fake.textsTo(HOA).slice(before)).toEqual([expect.stringContaining(ASK_AGAIN)]);
    expect(h.fake.imageFetches.length).toBeGreaterThan(1);
    await quiet(h, before + 1);
  });
});

describe("an album on Telegram", () => {
  let tg: TelegramHarness | undefined;
  afterEach(async () => {
    await tg?.close();
    tg = undefined;
  });

  it("does not hold a lone photo (no media_group_id): it is answered long before an album's wait", async () => {
    // An album waits 30 s here; a photo sent alone carries no album id and waits for none.
    tg = await startTelegramBot({
      env: { TELEGRAM_ALBUM_WAIT_MS: "30000", PHOTO_BURST_MAX_MS: "60000" },
    });
    const lan = { id: 501, first_name: "Lan", language_code: "vi" };
    await tg.say(501, lan, `/join ${tg.invites[3]?.code ?? ""}`, 2);
    const before = tg.fake.textsIn(501).length;
    tg.fake.photo(501, lan, png(28, 24, 70), { caption: "#xanhsachdep sân trước" });
    await tg.fake.until(() => (tg?.fake.textsIn(501).length ?? 0) > before, 10_000, "the answer");
    expect(tg.fake.textsIn(501).slice(before)).toEqual([
      expect.stringContaining("✅ Đã lưu 1 ảnh minh chứng"),
    ]);
  });

  it("whose parts come 1.3 s apart is answered once, under the caption's hashtag", async () => {
    // The bot's own album wait (1 s), and real seconds between the parts.
    tg = await startTelegramBot({ env: { TELEGRAM_ALBUM_WAIT_MS: "1000" } });
    const lan = { id: 501, first_name: "Lan", language_code: "vi" };
    await tg.say(501, lan, `/join ${tg.invites[3]?.code ?? ""}`, 2);
    const before = tg.fake.textsIn(501).length;
    for (let i = 0; i < 4; i++) {
      if (i > 0) await pause(1_300);
      tg.fake.photo(501, lan, png(24 + i, 24, 60 + i), {
        album: "slow-album",
        ...(i === 0 ? { caption: "#xanhsachdep tổng vệ sinh" } : {}),
      });
    }
    await tg.fake.until(() => (tg?.fake.textsIn(501).length ?? 0) > before, 8000, "the answer");
    await pause(1_500);
    const answers = tg.fake.textsIn(501).slice(before);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain("✅ Đã lưu 4 ảnh minh chứng");
    expect(await tg.t.app.deps.db.evidence.count()).toBe(4);
  });
});
