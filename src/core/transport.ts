import type { Capabilities } from "./capabilities.ts";
import type { OutboundMessage } from "./outbound.ts";
import type { Platform } from "./roles.ts";

/** A chat a message goes to, in platform terms. */
export interface SendTarget {
  platformChatId: string;
  kind: "PRIVATE" | "GROUP";
}

/** Sending limits of one platform, as the outbox's sender honours them. */
export interface RateLimits {
  /** Messages per second across all chats. */
  perSecond: number;
  /** Smallest gap between two messages to the same chat, on average. */
  perChatIntervalMs: number;
  /**
   * Messages one chat may get at once before the interval applies (Telegram allows
   * short bursts): a reply of a few messages is not spread over seconds. Default 1.
   */
  perChatBurst?: number;
  /** Messages per minute to one group. */
  perGroupPerMinute: number;
}

/**
 * What an adapter offers for messages that are not direct replies. Failures are
 * PlatformErrors: blocked, rate_limited (with retryAfterMs), transient, permanent.
 */
export interface Transport {
  platform: Platform;
  capabilities: Capabilities;
  limits: RateLimits;
  send(target: SendTarget, message: OutboundMessage): Promise<{ messageId: string }>;
  /** Replaces the text of a sent message; only when capabilities.editMessages. */
  edit?(target: SendTarget, messageId: string, text: string): Promise<void>;
}
