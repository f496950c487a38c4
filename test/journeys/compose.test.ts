import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../../src/config.ts";

/*
 * compose.yaml as `docker compose up` would read it (no Docker engine runs here):
 * its ${…} filled from a .env as Compose fills them, then each instance's
 * environment given to the bot's own configuration.
 */

type Env = Record<string, string>;

/** Compose's interpolation: ${X}, ${X:-default}, ${X:?error}, ${X:+alternative}, innermost first. */
function interpolate(text: string, env: Env): string {
  const inner = /\$\{([A-Z_]+)(?:(:[-?+])((?:[^${}]|\$(?!\{))*))?\}/;
  let out = text;
  for (let match = inner.exec(out); match; match = inner.exec(out)) {
    const [whole, name = "", op, arg = ""] = match;
    const value = env[name] ?? "";
    let replacement = value;
    if (op === ":-") replacement = value || arg;
    if (op === ":+") replacement = value ? arg : "";
    if (op === ":?" && !value) throw new Error(`required variable ${name} is missing: ${arg}`);
    out = out.replace(whole, replacement);
  }
  return out;
}

const dotEnv: Env = {
  PUBLIC_HOST: "thidua.sonv.gov.vn",
  POSTGRES_PASSWORD: "pg-secret-123",
  MEDIA_SIGNING_SECRET: "m".repeat(64),
  INVITE_CODE_KEY: "k".repeat(64),
  BALLOT_KEY: "b".repeat(64),
  ZALO_BOT_TOKEN: "1234567890:zalo-token",
  ZALO_WEBHOOK_SECRET: "zalo-webhook-secret",
};

const compose = (env: Env) => parse(interpolate(readFileSync("compose.yaml", "utf8"), env));

describe("compose.yaml", () => {
  it("runs PostgreSQL and two bot instances whose environment the bot accepts, in webhook mode", () => {
    const file = compose(dotEnv);
    const bot = file.services.bot;
    const config = loadConfig(bot.environment);
    expect(config.database.provider).toBe("postgresql");
    expect(config.INSTANCES).toBe(bot.deploy.replicas);
    expect(config.INSTANCES).toBeGreaterThan(1);
    expect(config.ZALO_WEBHOOK_URL).toBe("https://thidua.sonv.gov.vn/webhooks/zalo");
    expect(config.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(config.PUBLIC_BASE_URL).toBe("https://thidua.sonv.gov.vn");

    const pg = file.services.postgres.environment;
    const url = new URL(bot.environment.DATABASE_URL);
    expect(url.hostname).toBe("postgres");
    expect(url.username).toBe(pg.POSTGRES_USER);
    expect(url.password).toBe(pg.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
    expect(bot.depends_on.postgres.condition).toBe("service_healthy");
    expect(file.services.postgres.healthcheck.test).toContain("pg_isready");

    // The Dockerfile's DATA_DIR is one volume every instance mounts.
    expect(readFileSync("Dockerfile", "utf8")).toContain("DATA_DIR=/data");
    expect(bot.volumes).toContain("botdata:/data");
    expect(file.services.caddy.command).toBe(
      `caddy reverse-proxy --from thidua.sonv.gov.vn --to bot:${config.HTTP_PORT}`,
    );
  });

  it("with Telegram as well: both webhooks behind the same HTTPS name", () => {
    const env = {
      ...dotEnv,
      TELEGRAM_BOT_TOKEN: "123:telegram",
      TELEGRAM_WEBHOOK_SECRET: "tg_secret",
    };
    const config = loadConfig(compose(env).services.bot.environment);
    expect(config.TELEGRAM_WEBHOOK_URL).toBe("https://thidua.sonv.gov.vn/webhooks/telegram");
  });

  it("refuses to start without the shared keys or the database password, as Compose would", () => {
    for (const missing of [
      "MEDIA_SIGNING_SECRET",
      "INVITE_CODE_KEY",
      "BALLOT_KEY",
      "POSTGRES_PASSWORD",
    ]) {
      const env = { ...dotEnv };
      delete env[missing];
      expect(() => compose(env)).toThrow(`required variable ${missing} is missing`);
    }
  });
});
