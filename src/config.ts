import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { config as loadDotenv } from "dotenv";
import { z } from "zod";
import { VIETNAM_FIXED_HOLIDAYS } from "./core/holidays.ts";
import { isTimeZone } from "./core/timeZone.ts";
import { fromProject, PROJECT_ROOT } from "./paths.ts";

export { fromProject, PROJECT_ROOT };

/*
 * The only module that reads process.env. Every variable is listed in
 * .env.example with its default; a bad one stops start-up with one line naming it.
 */

/** Where the data lives: a SQLite file (one instance) or a PostgreSQL database (one or several). */
export type DatabaseTarget =
  | { provider: "sqlite"; file: string }
  | { provider: "postgresql"; url: string };

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

/** Reads DATABASE_URL: `file:` (a path, made absolute by `resolvePath`) or `postgresql://`. */
export function databaseTarget(
  url: string,
  resolvePath: (path: string) => string = (path) => path,
): DatabaseTarget {
  if (isPostgresUrl(url)) return { provider: "postgresql", url };
  return { provider: "sqlite", file: resolvePath(url.replace(/^file:/, "")) };
}

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const timezone = z.string().refine(isTimeZone, {
  message: "is not an IANA time zone such as Asia/Ho_Chi_Minh",
});

export const configSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .default("file:./data/thidua.db")
      .refine((url) => url.startsWith("file:") || isPostgresUrl(url), {
        message:
          "must be a SQLite file such as file:./data/thidua.db or a PostgreSQL URL such as postgresql://user@host:5432/thidua",
      }),
    DATA_DIR: z.string().default("./data"),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    DEFAULT_LANGUAGE: z.enum(["vi", "en"]).default("vi"),
    DEFAULT_TIMEZONE: timezone.default("Asia/Ho_Chi_Minh"),
    CONSOLE_CHAT: z.enum(["auto", "on", "off"]).default("auto"),
    SEED_DEMO: z.enum(["auto", "off"]).default("auto"),
    INVITE_MAX_FAILED_TRIES: positiveInt(5),
    INVITE_TRY_WINDOW_MINUTES: positiveInt(10),
    INVITE_MAX_FAILED_TRIES_OVERALL: positiveInt(100),
    INVITE_CODE_KEY: z.string().min(32).optional(),
    INVITE_DEFAULT_DAYS: positiveInt(14),
    CONVERSATION_TTL_MINUTES: positiveInt(60),
    EVIDENCE_MAX_BYTES: positiveInt(10 * 1024 * 1024),
    EVIDENCE_MAX_PIXELS: positiveInt(50_000_000),
    EVIDENCE_MAX_SIDE: positiveInt(20_000),
    EVIDENCE_DECODE_TIMEOUT_SECONDS: positiveInt(10),
    EVIDENCE_DECODERS: z.coerce.number().int().min(1).max(16).optional(),
    DELIVERY_RETRY_HOURS: positiveInt(24),
    DELIVERY_BACKOFF_MAX_MS: positiveInt(60_000),
    DELIVERY_LEASE_MS: positiveInt(15_000),
    INBOX_MAX_ATTEMPTS: positiveInt(8),
    INBOX_RETRY_BASE_MS: positiveInt(2_000),
    INBOX_RETRY_MAX_MS: positiveInt(120_000),
    POLL_BACKOFF_CAP_MS: positiveInt(15_000),
    HEALTH_FAILING_AFTER_SECONDS: positiveInt(60),
    TEST_CRASH_AT: z.string().optional(),
    QUIET_HOURS: z
      .string()
      .default("21:00-07:00")
      .refine((v) => /^\d{1,2}:\d{2}-\d{1,2}:\d{2}$/.test(v), {
        message: "must look like 21:00-07:00",
      }),
    HOLIDAYS: z
      .string()
      .default(VIETNAM_FIXED_HOLIDAYS.join(","))
      .refine((v) => v.split(",").every((d) => /^(\d{4}-)?\d{2}-\d{2}$/.test(d.trim())), {
        message: "must be a comma-separated list of MM-DD or YYYY-MM-DD",
      }),
    DELIVERY_BACKOFF_MS: positiveInt(5_000),
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Default: 0.0.0.0 with a platform (webhooks), 127.0.0.1 in console mode. */
    HTTP_HOST: z.string().optional(),
    /** Lowered at start to fit under the open-file limit. */
    HTTP_MAX_CONNECTIONS: positiveInt(1000),
    /** 0: no cap per address (behind a proxy on this machine, every client is the proxy). */
    HTTP_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).default(128),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, {
        message: "must look like 123456:ABC-DEF… (from @BotFather)",
      })
      .optional(),
    TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org"),
    TELEGRAM_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, { message: "must be 1–256 of A-Z a-z 0-9 _ -" })
      .optional(),
    TELEGRAM_RATE_PER_SECOND: positiveInt(30),
    TELEGRAM_PER_CHAT_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
    TELEGRAM_PER_CHAT_BURST: positiveInt(3),
    TELEGRAM_GROUP_PER_MINUTE: positiveInt(20),
    TELEGRAM_ALBUM_WAIT_MS: positiveInt(1000),
    ZALO_PHOTO_BURST_MS: positiveInt(8000),
    PHOTO_BURST_MAX_MS: positiveInt(20_000),
    PHOTO_DOWNLOAD_GIVE_UP_MS: positiveInt(20_000),
    TELEGRAM_POLL_TIMEOUT_SECONDS: positiveInt(30),
    ZALO_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, {
        message: "must look like 12345689:abc-xyz (from Zalo Bot Creator)",
      })
      .optional(),
    ZALO_API_ROOT: z.url().default("https://bot-api.zaloplatforms.com"),
    ZALO_WEBHOOK_URL: z.url({ protocol: /^https$/ }).optional(),
    ZALO_WEBHOOK_SECRET: z.string().min(8).max(256).optional(),
    ZALO_POLL_TIMEOUT_SECONDS: positiveInt(30),
    ZALO_RATE_PER_SECOND: positiveInt(10),
    ZALO_PER_CHAT_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
    ZALO_PER_CHAT_BURST: positiveInt(3),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    MEDIA_LINK_TTL_SECONDS: positiveInt(600),
    MEDIA_SIGNING_SECRET: z.string().min(16).optional(),
    DOWNLOAD_LINK_TTL_HOURS: positiveInt(24),
    WEB_LOGIN_TTL_MINUTES: positiveInt(10),
    WEB_SESSION_IDLE_HOURS: positiveInt(8),
    WEB_SESSION_MAX_DAYS: positiveInt(30),
    /** Bearer token for /metrics from other machines; without it, this machine only. */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** Bot processes sharing the database (behind one load balancer). */
    INSTANCES: positiveInt(1),
  })
  .superRefine((env, ctx) => {
    if (env.INSTANCES > 1) {
      if (!isPostgresUrl(env.DATABASE_URL)) {
        ctx.addIssue({
          code: "custom",
          path: ["INSTANCES"],
          message:
            "above 1 needs PostgreSQL: set DATABASE_URL=postgresql://… (SQLite serves one process)",
        });
      }
      // Keys made on first start would differ per instance: links signed by one would
      // fail on the next, codes made on one would be wrong on the others.
      for (const key of ["MEDIA_SIGNING_SECRET", "INVITE_CODE_KEY"] as const) {
        if (!env[key]) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `is required when INSTANCES is above 1: every instance must use the same key (openssl rand -hex 32)`,
          });
        }
      }
    }
    if (env.ZALO_WEBHOOK_URL && !env.ZALO_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["ZALO_WEBHOOK_SECRET"],
        message: "is required when ZALO_WEBHOOK_URL is set (8–256 characters)",
      });
    }
    // Telegram calls only HTTPS webhooks; a local Bot API server (another API root) also calls http.
    if (
      env.TELEGRAM_WEBHOOK_URL?.startsWith("http:") &&
      new URL(env.TELEGRAM_API_ROOT).hostname === "api.telegram.org"
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_WEBHOOK_URL"],
        message: "must be an https:// URL (Telegram calls only HTTPS webhooks)",
      });
    }
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_WEBHOOK_SECRET"],
        message: "is required when TELEGRAM_WEBHOOK_URL is set",
      });
    }
  });

export type Config = z.infer<typeof configSchema> & {
  /** The database DATABASE_URL names (a SQLite path made absolute). */
  database: DatabaseTarget;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses an environment (process.env by default, after loading .env if present). */
export function loadConfig(env: NodeJS.ProcessEnv = readProcessEnv()): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join(".") ?? "environment";
    throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? "is invalid"}`);
  }
  return {
    ...parsed.data,
    DATA_DIR: fromProject(parsed.data.DATA_DIR),
    database: databaseTarget(parsed.data.DATABASE_URL, fromProject),
  };
}

function readProcessEnv(): NodeJS.ProcessEnv {
  const file = resolve(PROJECT_ROOT, ".env");
  if (existsSync(file)) loadDotenv({ path: file, quiet: true });
  return process.env;
}

/** Values no log line may carry. */
export function secretsOf(config: Config): string[] {
  return [
    config.TELEGRAM_BOT_TOKEN,
    config.ZALO_BOT_TOKEN,
    config.TELEGRAM_WEBHOOK_SECRET,
    config.ZALO_WEBHOOK_SECRET,
    config.MEDIA_SIGNING_SECRET,
    config.INVITE_CODE_KEY,
    config.METRICS_TOKEN,
  ].filter((s): s is string => Boolean(s));
}

/** Where the HTTP server listens: everywhere for webhooks, this machine only in console mode. */
export function httpHost(config: Config): string {
  return config.HTTP_HOST ?? (consoleChatEnabled(config) ? "127.0.0.1" : "0.0.0.0");
}

/** True when no platform token is set, so the console is the only way in. */
export function consoleChatEnabled(config: Config): boolean {
  if (config.CONSOLE_CHAT !== "auto") return config.CONSOLE_CHAT === "on";
  return !config.TELEGRAM_BOT_TOKEN && !config.ZALO_BOT_TOKEN;
}
