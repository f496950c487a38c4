import { describe, expect, it } from "vitest";
import { consoleChatEnabled, loadConfig } from "./config.ts";

describe("configuration", () => {
  it("runs on SQLite under data/ in Vietnamese with no variables at all", () => {
    const config = loadConfig({});
    expect(config.database).toMatchObject({
      provider: "sqlite",
      file: expect.stringMatching(/data\/thidua\.db$/),
    });
    expect(config.DEFAULT_LANGUAGE).toBe("vi");
    expect(config.DEFAULT_TIMEZONE).toBe("Asia/Ho_Chi_Minh");
    expect(config.EVIDENCE_MAX_BYTES).toBe(10 * 1024 * 1024);
    expect(consoleChatEnabled(config)).toBe(true);
  });

  it("selects PostgreSQL from a postgresql:// URL", () => {
    const url = "postgresql://thidua:secret@db:5432/thidua";
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ provider: "postgresql", url });
    expect(loadConfig({ DATABASE_URL: "postgres://db/thidua" }).database.provider).toBe(
      "postgresql",
    );
  });

  it("several instances need PostgreSQL and the shared keys, each named in one line", () => {
    const pg = "postgresql://db/thidua";
    const keys = {
      MEDIA_SIGNING_SECRET: "m".repeat(32),
      INVITE_CODE_KEY: "k".repeat(32),
      BALLOT_KEY: "b".repeat(32),
    };
    expect(() => loadConfig({ INSTANCES: "2", ...keys })).toThrow(
      /^Invalid configuration: INSTANCES above 1 needs PostgreSQL/,
    );
    expect(() => loadConfig({ INSTANCES: "3", DATABASE_URL: pg })).toThrow(
      /MEDIA_SIGNING_SECRET is required when INSTANCES is above 1/,
    );
    expect(() =>
      loadConfig({ INSTANCES: "3", DATABASE_URL: pg, MEDIA_SIGNING_SECRET: "m".repeat(32) }),
    ).toThrow(/INVITE_CODE_KEY is required when INSTANCES is above 1/);
    expect(() =>
      loadConfig({ INSTANCES: "3", DATABASE_URL: pg, ...keys, BALLOT_KEY: undefined }),
    ).toThrow(/BALLOT_KEY is required when INSTANCES is above 1/);
    expect(loadConfig({ INSTANCES: "3", DATABASE_URL: pg, ...keys }).INSTANCES).toBe(3);
  });

  it("stops with one line naming a bad variable", () => {
    expect(() => loadConfig({ INVITE_MAX_FAILED_TRIES: "many" })).toThrow(
      /^Invalid configuration: INVITE_MAX_FAILED_TRIES /,
    );
    expect(() => loadConfig({ DEFAULT_TIMEZONE: "Hanoi" })).toThrow(
      /DEFAULT_TIMEZONE is not an IANA/,
    );
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(
      /DATABASE_URL must be a SQLite file .* or a PostgreSQL URL/,
    );
    expect(() => loadConfig({ DEFAULT_LANGUAGE: "fr" })).toThrow(/DEFAULT_LANGUAGE/);
  });

  it("refuses a webhook Telegram would never call: not HTTPS, or not HTTP at all", () => {
    const base = { TELEGRAM_BOT_TOKEN: "1:abc", TELEGRAM_WEBHOOK_SECRET: "s" };
    expect(() =>
      loadConfig({ ...base, TELEGRAM_WEBHOOK_URL: "http://bot.example.vn/webhooks/telegram" }),
    ).toThrow("Invalid configuration: TELEGRAM_WEBHOOK_URL must be an https:// URL");
    expect(() =>
      loadConfig({ ...base, TELEGRAM_WEBHOOK_URL: "ftp://bot.example.vn/webhooks/telegram" }),
    ).toThrow(/^Invalid configuration: TELEGRAM_WEBHOOK_URL/);
    // A local Bot API server (another API root) calls plain http webhooks too.
    expect(
      loadConfig({
        ...base,
        TELEGRAM_API_ROOT: "http://127.0.0.1:8081",
        TELEGRAM_WEBHOOK_URL: "http://127.0.0.1:8080/webhooks/telegram",
      }).TELEGRAM_WEBHOOK_URL,
    ).toBe("http://127.0.0.1:8080/webhooks/telegram");
  });

  it("treats empty variables as unset, as .env files often leave them", () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: "" }).TELEGRAM_BOT_TOKEN).toBeUndefined();
  });

  it("turns the console off by default once a platform token is set", () => {
    expect(consoleChatEnabled(loadConfig({ TELEGRAM_BOT_TOKEN: "1:abc" }))).toBe(false);
    expect(
      consoleChatEnabled(loadConfig({ TELEGRAM_BOT_TOKEN: "1:abc", CONSOLE_CHAT: "on" })),
    ).toBe(true);
  });
});
