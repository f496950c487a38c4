import { type Logger, pino } from "pino";

export type { Logger };

/** Keys whose values never reach a log line, at any depth. */
const SECRET_KEYS =
  /^(token|secret|secret_token|authorization|x-telegram-bot-api-secret-token|x-bot-api-secret-token|[A-Z_]*(TOKEN|SECRET))$/i;
/** A bot token (Telegram's and Zalo's share the shape), wherever it appears in a text. */
const TOKEN_PATTERN = /\d{3,}:[A-Za-z0-9_-]{8,}/g;

/**
 * Replaces the known secret values and anything shaped like a bot token in a text:
 * error messages and stacks from HTTP clients may carry the request URL, which
 * carries the token.
 */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join("[redacted]");
  return out.replace(TOKEN_PATTERN, "[token]");
}

function scrub(
  value: unknown,
  secrets: readonly string[],
  depth: number,
  seen: Set<unknown>,
): unknown {
  if (typeof value === "string") return scrubText(value, secrets);
  if (value === null || typeof value !== "object" || depth > 8 || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Error) {
    // Flattened here so that nested causes and a URL in a message are scrubbed too; the
    // error's code (ECONNREFUSED, 409…) stays: it is what the operator needs.
    const error = value as Error & { code?: unknown; cause?: unknown };
    return {
      type: error.name,
      message: scrubText(error.message, secrets),
      ...(error.code !== undefined ? { code: error.code } : {}),
      ...(error.stack ? { stack: scrubText(error.stack, secrets) } : {}),
      ...(error.cause !== undefined ? { cause: scrub(error.cause, secrets, depth + 1, seen) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, depth + 1, seen));
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      SECRET_KEYS.test(key) && v !== undefined && v !== null
        ? "[redacted]"
        : scrub(v, secrets, depth + 1, seen),
    ]),
  );
}

/**
 * Structured JSON logs on stderr, so that the console chat on stdout stays readable
 * and a scripted session can separate the two streams. Every line is scrubbed of
 * `secrets` (the configured tokens and keys) and of anything shaped like a token,
 * at any depth, in messages and error texts alike.
 */
export function createLogger(
  level: string,
  destination = 2,
  secrets: readonly string[] = [],
): Logger {
  return pino(
    {
      level,
      base: undefined,
      formatters: {
        log: (object) => scrub(object, secrets, 0, new Set()) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === "string" ? scrubText(a, secrets) : a));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    pino.destination({ fd: destination, sync: true }),
  );
}
