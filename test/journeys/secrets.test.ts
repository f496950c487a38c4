import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { FakeTelegramApi } from "../fakes/telegramApi.ts";
import { FakeZaloApi } from "../fakes/zaloApi.ts";
import { type BotProcess, freePort, startBotProcess } from "../helpers/botProcess.ts";
import { createTestApp } from "../helpers/testApp.ts";

/* Invariant 8 against a real process: every failure path, with the logs captured and grepped. */

let bot: BotProcess | null = null;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await bot?.stop();
  bot = null;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("secrets in the logs", () => {
  it("never appear, whatever fails: outages, refused webhooks, API errors, failing sends", async () => {
    const telegram = await new FakeTelegramApi().start();
    const zalo = await new FakeZaloApi().start();
    cleanups.push(
      () => telegram.stop(),
      () => zalo.stop(),
    );
    const t = await createTestApp();
    await t.app.deps.db.$disconnect();
    cleanups.push(() => rmSync(t.dir, { recursive: true, force: true }));
    const port = await freePort();
    const telegramSecret = "tg_webhook_secret_value";
    const zaloSecret = "zalo-webhook-secret-value";
    const signing = "media-signing-secret-value-0123456789";

    telegram.down = true;
    telegram.failNext("setWebhook", {
      status: 400,
      description: "Bad Request: bad webhook",
      times: 2,
    });
    zalo.failNext("getMe", { errorCode: 500, description: "Internal error", times: 2 });
    bot = await startBotProcess(
      t.dir,
      {
        LOG_LEVEL: "trace",
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.url,
        TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/telegram`,
        TELEGRAM_WEBHOOK_SECRET: telegramSecret,
        ZALO_BOT_TOKEN: zalo.token,
        ZALO_API_ROOT: zalo.url,
        MEDIA_SIGNING_SECRET: signing,
        POLL_BACKOFF_CAP_MS: "1000",
      },
      { port },
    );
    await new Promise((r) => setTimeout(r, 2500));
    telegram.down = false;
    await telegram.until(() => telegram.webhook !== null, 15_000, "the webhook after two refusals");
    // A forged update and a malformed one.
    await fetch(`${bot.url}/webhooks/telegram`, { method: "POST", body: "{}" });
    await fetch(`${bot.url}/webhooks/telegram`, {
      method: "POST",
      headers: { "x-telegram-bot-api-secret-token": telegramSecret },
      body: "not json",
    });
    await new Promise((r) => setTimeout(r, 500));
    await bot.stop();

    const output = bot.output();
    expect(output).toContain("bad webhook");
    expect(output.length).toBeGreaterThan(500);
    for (const secret of [telegram.token, zalo.token, telegramSecret, zaloSecret, signing]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(secret.split(":")[1] ?? secret);
    }
  }, 60_000);
});
