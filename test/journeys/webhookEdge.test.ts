import { mkdtempSync, openSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ForgedRequestLog } from "../../src/http/webhook.ts";
import { createLogger } from "../../src/logger.ts";
import { startTelegramBot, type TelegramHarness, WEBHOOK_SECRET } from "../helpers/telegramBot.ts";

/*
 * The webhook as an attacker meets it: the secret is checked from the headers before
 * any body is read, bodies are capped with a clean 413, and a flood of forged
 * requests writes one log line a minute.
 */

let h: TelegramHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** Sends headers and `sent` bytes of a body announced as `declared` bytes; answers the status. */
function post(
  url: string,
  headers: Record<string, string>,
  declared: number | null,
  sent: Buffer,
  finish: boolean,
): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(declared !== null ? { "content-length": String(declared) } : {}),
          ...headers,
        },
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, ms: Date.now() - started });
        req.destroy();
      },
    );
    req.on("error", (error) => {
      if ((error as NodeJS.ErrnoException).code !== "ECONNRESET") reject(error);
    });
    req.write(sent);
    if (finish) req.end();
  });
}

describe("the webhook, before the body", () => {
  it("refuses a stranger at once, without waiting for (or reading) a 5 MB body", async () => {
    h = await startTelegramBot({ webhook: true });
    const url = `${h.http.url}/webhooks/telegram`;
    const answer = await post(url, {}, 5 * 1024 * 1024, Buffer.alloc(1024, 32), false);
    expect(answer.status).toBe(401);
    expect(answer.ms).toBeLessThan(1000);
  });

  it("answers 413, not a reset, to a body over 1 MB, announced or streamed", async () => {
    h = await startTelegramBot({ webhook: true });
    const url = `${h.http.url}/webhooks/telegram`;
    const secret = { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET };
    const big = Buffer.alloc(5 * 1024 * 1024, 32);
    expect((await post(url, secret, big.length, big, true)).status).toBe(413);
    expect((await post(url, secret, null, big, true)).status).toBe(413);
    expect(await h.t.app.deps.db.inboundUpdate.count()).toBe(0);
  });
});

describe("a flood of forged requests", () => {
  it("writes one log line a minute per platform, with the count", () => {
    const file = join(mkdtempSync(join(tmpdir(), "thidua-forged-")), "log.json");
    const logger = createLogger("info", openSync(file, "w"));
    let now = 0;
    const log = new ForgedRequestLog(logger, () => now);
    for (let i = 0; i < 500; i++) {
      log.note("telegram");
      now += 100;
    }
    logger.flush();
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    // 50 seconds of forgeries: the first is logged, the rest wait for the minute.
    expect(lines).toHaveLength(1);
    for (let i = 0; i < 200; i++) {
      log.note("telegram");
      now += 100;
    }
    logger.flush();
    const after = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ platform: "telegram", count: 600 });
  });
});
