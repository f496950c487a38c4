import type { Capabilities } from "./capabilities.ts";
import type { ChatRef, InboundEvent } from "./inbound.ts";
import type { OutboundMessage } from "./outbound.ts";
import type { Language, Platform } from "./roles.ts";
import type { RateLimits } from "./transport.ts";

/*
 * The narrow port between a platform adapter and the rest of the bot. An adapter
 * translates; it hands raw updates over, answers what a stored update means, sends
 * what it is given, and reports how its platform is doing. It never sees the
 * router, the database or a feature.
 */

/** What the pipeline needs to know about a raw update before handling it. */
export interface UpdateRef {
  /** Unique per platform: a second update with the same key is a redelivery. */
  updateKey: string;
  /** Updates of one chat are handled in the order they arrived. */
  chatKey: string;
  chat: ChatRef;
  userId: string;
  languageHint?: string;
}

export type Translated =
  /**
   * An event for the router; events sharing a groupKey (an album, a burst of photos)
   * are handled as one once the sender has been quiet long enough: `quietMs` (default:
   * the album wait) until the sender's pace is known, then after their pace, bounded.
   * A group known to have at least `minParts` parts (an album: 2) waits for them.
   */
  | {
      type: "event";
      event: InboundEvent;
      groupKey?: string;
      quietMs?: number;
      minParts?: number;
    }
  /** Nothing for the router (a service message, another bot's command, done by the adapter). */
  | { type: "none" };

/** One platform's inbound side, as the pipeline drives it. */
export interface InboundSource {
  platform: Platform;
  capabilities: Capabilities;
  /** The platform's sending limits: replies keep them too, in the limiter every send shares. */
  limits: RateLimits;
  /** Null when the raw body is not an update worth keeping. */
  describe(raw: unknown): UpdateRef | null;
  /** Turns a stored update into an event; downloads may happen here, and a throw is retried. */
  translate(raw: unknown): Promise<Translated>;
  /** Sends a direct reply; failures are PlatformErrors (transient ones are retried). */
  reply(chat: ChatRef, message: OutboundMessage): Promise<void>;
}

/** A failure that no retry can mend (a refused photo URL): the user is told at once. */
export class PermanentInboundError extends Error {
  override name = "PermanentInboundError";
}

export type ReceiveResult = "stored" | "duplicate" | "ignored";

/** How an adapter tells the operator (and /healthz) how its platform is doing. */
export interface AdapterStatus {
  /** "starting", "polling", "webhook", "retrying", "stopped"… */
  state(state: string): void;
  /** A call to the platform succeeded. */
  ok(): void;
  /** A call to the platform failed; the adapter keeps trying. */
  failing(error: unknown): void;
  /**
   * An optional call (the command menu, say) failed or succeeded: the bot receives and
   * answers all the same, and the adapter tries it again later; null when it went through.
   */
  optional(call: string, error: unknown | null): void;
}

export interface CommandMenuItem {
  command: string;
  description: string;
}

export interface AdapterPort {
  /** Stores a raw update durably (resolves only then) and schedules its handling. */
  receive(source: InboundSource, raw: unknown): Promise<ReceiveResult>;
  status(platform: Platform): AdapterStatus;
  /** A Telegram group became a supergroup: its chat id changed. */
  chatMoved(platform: Platform, from: string, to: string): Promise<void>;
  /** The bot was removed from a chat or blocked. */
  chatLeft(platform: Platform, platformChatId: string): Promise<void>;
  commandMenu(language: Language): CommandMenuItem[];
  text(language: Language, key: string): string;
  defaultLanguage: Language;
  media: {
    get(storageKey: string): Promise<Uint8Array>;
    put(bytes: Uint8Array, extension: string): Promise<{ key: string }>;
  };
  /**
   * Resolves when this process may long-poll `platform` (one process at a time: the
   * platform refuses a second poller); the signal it gives aborts when it may no
   * longer. One process alone gets its turn at once.
   */
  pollTurn(platform: Platform, signal: AbortSignal): Promise<AbortSignal>;
}
