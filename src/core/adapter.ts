import type { Platform } from "./roles.ts";
import type { Transport } from "./transport.ts";

/** A request the bot's HTTP server hands to an adapter's webhook. */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface WebhookResponse {
  status: number;
  body: string;
}

/** What every platform adapter offers the composition root, with the same shape. */
export interface ChatAdapter {
  platform: Platform;
  transport: Transport;
  start(): Promise<void>;
  /** Stops receiving; what was received is handled first. */
  stop(): Promise<void>;
  /** Present when the adapter receives updates through the bot's HTTP server. */
  webhook?: (request: WebhookRequest) => Promise<WebhookResponse>;
  /** "polling", "webhook", "starting", "stopped" or "error: …", for /healthz. */
  status(): string;
}
