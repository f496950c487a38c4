import { afterEach, describe, expect, it } from "vitest";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";

/*
 * A Telegram-compatible server that lacks an optional method (the command menu):
 * the bot still connects, receives and answers, says so in /healthz, and tries the
 * optional call again later.
 */

let h: TelegramHarness;
afterEach(() => h.close());

const lan = { id: 501, first_name: "Lan", language_code: "vi" };

describe("optional platform calls", () => {
  it("never block the core: without setMyCommands the bot answers, and /healthz names what failed", async () => {
    h = await startTelegramBot({
      prepare: (fake) =>
        fake.failNext("setMyCommands", { times: 1000, status: 404, description: "Not Found" }),
    });
    const answer = await h.say(501, lan, "/help");
    expect(answer.join("\n")).toContain("/join");
    const health = (await (await fetch(`${h.http.url}/healthz`)).json()) as {
      ok: boolean;
      adapters: Record<string, { state: string; optionalFailing?: Record<string, string> }>;
    };
    expect(health.ok).toBe(true);
    expect(health.adapters.telegram?.state).toBe("polling");
    expect(health.adapters.telegram?.optionalFailing?.setMyCommands).toContain("Not Found");
  });
});
