import { mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

const TOKEN = "123456:SECRET-token-value_abc";
const WEBHOOK_SECRET = "hook-secret-value";

function capture(write: (logger: ReturnType<typeof createLogger>) => void): string {
  const file = join(mkdtempSync(join(tmpdir(), "thidua-log-")), "log.json");
  const logger = createLogger("info", openSync(file, "w"), [TOKEN, WEBHOOK_SECRET]);
  write(logger);
  logger.flush();
  return readFileSync(file, "utf8");
}

describe("logs", () => {
  it("are JSON lines with secrets redacted at any depth, by key and by value", () => {
    const text = capture((logger) =>
      logger.info(
        {
          token: TOKEN,
          config: { TELEGRAM_BOT_TOKEN: TOKEN, nested: { deeper: { api: { token: TOKEN } } } },
          url: `https://api.telegram.org/bot${TOKEN}/getMe`,
          note: `secret is ${WEBHOOK_SECRET}`,
        },
        `started with ${TOKEN}`,
      ),
    );
    const line = JSON.parse(text.trim());
    expect(line.msg).toBe("started with [redacted]");
    expect(text).not.toContain("SECRET-token");
    expect(text).not.toContain(WEBHOOK_SECRET);
    expect(line.token).toBe("[redacted]");
    expect(line.config.nested.deeper.api.token).toBe("[redacted]");
    expect(line.url).toBe("https://api.telegram.org/bot[redacted]/getMe");
  });

  it("keep an error's code and scrub its message, stack and cause", () => {
    const cause = new Error(`request to https://x/bot${TOKEN}/getUpdates failed`);
    const error = Object.assign(
      new Error(`fetch failed for 999999:another-token-shape`, { cause }),
      {
        code: "ECONNREFUSED",
      },
    );
    const text = capture((logger) => logger.error({ err: error }, "polling failed"));
    const line = JSON.parse(text.trim());
    expect(line.err.code).toBe("ECONNREFUSED");
    expect(line.err.message).toMatch(/^fetch failed for \[token\]/);
    expect(text).not.toContain("SECRET-token");
    expect(text).not.toContain("another-token-shape");
  });
});
