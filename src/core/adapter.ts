import type { InboundSource } from "./port.ts";
import type { Platform } from "./roles.ts";
import type { Transport } from "./transport.ts";

/** What a platform's webhook needs from the bot's HTTP server: one route, one secret header. */
export interface WebhookSpec {
  /** Lower-case header that carries the shared secret. */
  header: string;
  secret: string;
}

/** What every platform adapter offers the composition root, with the same shape. */
export interface ChatAdapter extends InboundSource {
  platform: Platform;
  transport: Transport;
  /** Connects and keeps trying in the background: never throws for a platform outage. */
  start(): Promise<void>;
  /** Stops receiving at once; stored updates are handled after the next start. */
  stop(): Promise<void>;
  /** Present when the adapter receives updates through the bot's HTTP server. */
  webhook?: WebhookSpec;
}
