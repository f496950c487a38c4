import type { IncomingHttpHeaders } from "node:http";
import type { ChatAdapter } from "../core/adapter.ts";
import type { ReceiveResult } from "../core/port.ts";
import type { Logger } from "../logger.ts";
import { secretMatches } from "./secret.ts";

export interface WebhookAnswer {
  status: number;
  body: string;
}

const answer = (status: number, body: object): WebhookAnswer => ({
  status,
  body: JSON.stringify(body),
});

export const WEBHOOK_UNAUTHORIZED = answer(401, { ok: false, error: "unauthorized" });
export const WEBHOOK_TOO_LARGE = answer(413, { ok: false, error: "body too large" });

/** The shared-secret header, compared in constant time; checked before any body is read. */
export function webhookSecretOk(adapter: ChatAdapter, headers: IncomingHttpHeaders): boolean {
  const spec = adapter.webhook;
  return Boolean(spec && secretMatches(headers[spec.header], spec.secret));
}

/**
 * Forged requests are logged, but at most one line a minute per platform with how
 * many came, so that a flood cannot fill the disk.
 */
export class ForgedRequestLog {
  readonly #pending = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly everyMs = 60_000,
  ) {}

  note(platform: string): void {
    const entry = this.#pending.get(platform);
    const now = this.now();
    if (!entry) {
      this.logger.warn({ platform, count: 1 }, "webhook refused: wrong secret token");
      this.#pending.set(platform, { count: 0, since: now });
      return;
    }
    entry.count++;
    if (now - entry.since >= this.everyMs) {
      this.logger.warn(
        { platform, count: entry.count, seconds: Math.round((now - entry.since) / 1000) },
        "webhook refused: wrong secret token",
      );
      this.#pending.set(platform, { count: 0, since: now });
    }
  }
}

/**
 * Every platform's webhook body, once its secret passed: read as JSON (400), stored
 * by the inbound pipeline before the 200 (a redelivery answers 200 too, so the
 * platform stops sending it).
 */
export async function storeWebhookBody(
  adapter: ChatAdapter,
  body: string,
  receive: (adapter: ChatAdapter, raw: unknown) => Promise<ReceiveResult>,
): Promise<WebhookAnswer> {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return answer(400, { ok: false, error: "not json" });
  }
  const result = await receive(adapter, raw);
  if (result === "ignored") return answer(400, { ok: false, error: "not an update" });
  return answer(200, { ok: true });
}
