import { afterEach, describe, expect, it } from "vitest";
import { MINUTE } from "../../src/core/clock.ts";
import { png } from "../helpers/images.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";

/*
 * A photo report whose download meets a long Telegram outage: the update is waited
 * out (as deliveries are), not given up after its few minutes of tries, and the
 * officer is answered once when Telegram is back.
 */

let h: TelegramHarness;
afterEach(() => h.close());

const lan = { id: 501, first_name: "Lan", language_code: "vi" };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a photo report during a 6-minute outage", () => {
  it("is handled after the outage and answered once; nobody is told to send it again", async () => {
    h = await startTelegramBot({
      env: { INBOX_MAX_ATTEMPTS: "3", INBOX_RETRY_BASE_MS: "100", INBOX_RETRY_MAX_MS: "500" },
    });
    await h.say(501, lan, `/join ${(h.invites[3]?.code ?? "").replace("-", "")}`, 2);
    const before = h.fake.textsIn(501).length;
    const release = h.fake.holdDownloads();
    h.fake.photo(501, lan, png(40, 30, 5), { caption: "#xanhsachdep" });
    await h.fake.until(() => h.fake.downloadsHeld > 0, 5000, "the download to start");
    h.fake.down = true;
    release();
    // Six minutes of the bot's time pass, with far more than three tries in them (the
    // pipeline looks for due retries every 2 s of real time).
    for (let minute = 0; minute < 6; minute++) {
      h.t.clock.advance(MINUTE);
      await pause(2200);
    }
    const row = await h.t.app.deps.db.inboundUpdate.findFirstOrThrow({
      orderBy: { id: "desc" },
    });
    expect(row.status).toBe("PENDING");
    expect(row.attempts).toBeGreaterThan(3);
    expect(h.fake.textsIn(501).slice(before)).toEqual([]);

    h.fake.down = false;
    await h.fake.until(() => h.fake.textsIn(501).length > before, 10_000, "the answer");
    await pause(1000);
    const answers = h.fake.textsIn(501).slice(before);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain("✅ Đã lưu 1 ảnh minh chứng");
    expect(await h.t.app.deps.db.evidence.count()).toBe(1);
  }, 60_000);
});
