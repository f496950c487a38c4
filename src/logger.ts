import { type Logger, pino } from "pino";

export type { Logger };

/** Paths pino blanks out wherever they appear in a log object. */
export const REDACTED_PATHS = [
  "token",
  "*.token",
  "secret",
  "*.secret",
  "code",
  "*.code",
  "config.TELEGRAM_BOT_TOKEN",
  "config.ZALO_BOT_TOKEN",
  "TELEGRAM_BOT_TOKEN",
  "ZALO_BOT_TOKEN",
  "headers.authorization",
  "headers['x-telegram-bot-api-secret-token']",
  "headers['x-bot-api-secret-token']",
];

/**
 * Structured JSON logs on stderr, so that the console chat on stdout stays readable
 * and a scripted session can separate the two streams.
 */
export function createLogger(level: string, destination = 2): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, base: undefined },
    pino.destination({ fd: destination, sync: true }),
  );
}
