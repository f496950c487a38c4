import type { WebhookRequest, WebhookResponse } from "../core/adapter.ts";
import type { Logger } from "../logger.ts";
import { secretMatches } from "./secret.ts";

const answer = (status: number, body: object): WebhookResponse => ({
  status,
  body: JSON.stringify(body),
});

export const WEBHOOK_OK = answer(200, { ok: true });
export const WEBHOOK_NOT_AN_UPDATE = answer(400, { ok: false, error: "not an update" });

/**
 * The first steps of every platform's webhook: the shared-secret header checked in
 * constant time (401 and a log line when wrong), then the body read as JSON (400).
 */
export function openWebhook(
  request: WebhookRequest,
  header: string,
  secret: string | undefined,
  platform: string,
  logger: Logger,
): { body: unknown } | { refused: WebhookResponse } {
  if (!secret || !secretMatches(request.headers[header], secret)) {
    logger.warn({ platform }, "webhook refused: wrong secret token");
    return { refused: answer(401, { ok: false, error: "unauthorized" }) };
  }
  try {
    return { body: JSON.parse(request.body) };
  } catch {
    return { refused: answer(400, { ok: false, error: "not json" }) };
  }
}
