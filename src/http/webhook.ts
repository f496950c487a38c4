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

/**
 * Every platform's webhook, in one place: the shared-secret header checked in
 * constant time (401 and a log line when wrong), the body read as JSON (400), the
 * update stored by the inbound pipeline before the 200 (a redelivery answers 200 too,
 * so the platform stops sending it).
 */
export async function receiveWebhook(
  adapter: ChatAdapter,
  headers: IncomingHttpHeaders,
  body: string,
  receive: (adapter: ChatAdapter, raw: unknown) => Promise<ReceiveResult>,
  logger: Logger,
): Promise<WebhookAnswer> {
  const spec = adapter.webhook;
  if (!spec || !secretMatches(headers[spec.header], spec.secret)) {
    logger.warn({ platform: adapter.platform }, "webhook refused: wrong secret token");
    return answer(401, { ok: false, error: "unauthorized" });
  }
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
