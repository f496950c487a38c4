import type { Capabilities } from "../../core/capabilities.ts";
import { PlatformError } from "../../core/errors.ts";
import type { OutboundMessage } from "../../core/outbound.ts";
import { splitText } from "../../core/splitText.ts";
import type { RateLimits, SendTarget, Transport } from "../../core/transport.ts";
import type { SignedLinks } from "../../http/signedLinks.ts";
import { ZALO_CAPABILITIES, zaloCapabilities } from "./capabilities.ts";
import { ZaloApiError, type ZaloClient, ZaloNetworkError } from "./client.ts";

export const ZALO_TEXT_LIMIT = ZALO_CAPABILITIES.textLimit;

/*
 * Zalo documents no code for "this person blocked the bot" (its 403 is listed as a
 * server error): the answer says it in words. A 401 is the bot's own token, never one
 * chat's block, and must not turn every chat unreachable.
 */
const BLOCKED_WORDS = /\bblock(ed|s)?\b|chặn/i;

/** Zalo's failures in the core's terms. A send whose outcome is unknown is not retried. */
export function toPlatformError(error: unknown): unknown {
  if (error instanceof ZaloApiError) {
    if (error.errorCode === 429) return new PlatformError(error.message, "rate_limited", 2000);
    if (error.errorCode !== 401 && BLOCKED_WORDS.test(error.description))
      return new PlatformError(error.message, "blocked");
    if (error.errorCode >= 500) return new PlatformError(error.message, "transient");
    return new PlatformError(error.message, "permanent");
  }
  if (error instanceof ZaloNetworkError) {
    return error.surelyNotSent
      ? new PlatformError(error.message, "transient")
      : new PlatformError(
          `${error.message} (outcome unknown: not retried, to avoid a double send)`,
          "permanent",
        );
  }
  return error;
}

/**
 * Messages to Zalo chats: text split at 2000 characters on line breaks; photos as
 * signed links to the bot's own server, or, without PUBLIC_BASE_URL, as text with
 * a note (`photoNote`, in the deployment's language). Kept photos (an album) go one
 * photo message each, before the text; features send them only where links exist.
 */
export class ZaloTransport implements Transport {
  readonly platform = "zalo" as const;
  readonly capabilities: Capabilities;

  constructor(
    private readonly client: ZaloClient,
    readonly limits: RateLimits,
    private readonly store: { put(bytes: Uint8Array, extension: string): Promise<{ key: string }> },
    private readonly links: SignedLinks | null,
    private readonly photoNote: string,
  ) {
    this.capabilities = zaloCapabilities(links !== null);
  }

  async send(target: SendTarget, message: OutboundMessage): Promise<{ messageId: string }> {
    try {
      let text = message.text;
      let lastId = "";
      // Features send kept photos only where capabilities say so, i.e. with links.
      if (this.links) {
        for (const photo of message.album ?? []) {
          const url = this.links.url(photo.storageKey);
          const caption = photo.caption?.slice(0, ZALO_TEXT_LIMIT) || undefined;
          lastId = (await this.client.sendPhoto(target.platformChatId, url, caption)).message_id;
        }
      }
      if ((message.photo || message.photoKey) && this.links) {
        // A kept photo is signed where it lies; a new one is kept first (stored by its hash).
        const key =
          message.photoKey ??
          (
            await this.store.put(
              message.photo?.bytes ?? new Uint8Array(),
              message.photo?.fileName.split(".").pop() ?? "jpg",
            )
          ).key;
        const [caption, ...rest] = splitText(text, ZALO_TEXT_LIMIT);
        lastId = (
          await this.client.sendPhoto(
            target.platformChatId,
            this.links.url(key),
            caption || undefined,
          )
        ).message_id;
        text = rest.join("\n");
      } else if (message.photo || message.photoKey) {
        text = `${text}\n\n${this.photoNote}`.trim();
      }
      for (const part of text ? splitText(text, ZALO_TEXT_LIMIT) : []) {
        lastId = (await this.client.sendMessage(target.platformChatId, part)).message_id;
      }
      return { messageId: lastId };
    } catch (error) {
      throw toPlatformError(error);
    }
  }
}
