import type { Api } from "grammy";
import type { OutboundMessage } from "../../core/outbound.ts";
import type { RateLimits, SendTarget, Transport } from "../../core/transport.ts";
import { TELEGRAM_CAPABILITIES } from "./capabilities.ts";
import { type KeptMedia, TelegramKeptPhotos } from "./keptPhotos.ts";
import { migratedTo, sendTelegramMessage, toPlatformError } from "./send.ts";

/** Announcements, reminders and summaries to Telegram, for the outbox's sender. */
export class TelegramTransport implements Transport {
  readonly platform = "telegram" as const;
  readonly capabilities = TELEGRAM_CAPABILITIES;

  constructor(
    private readonly api: Api,
    readonly limits: RateLimits,
    private readonly onMigrate: (from: string, to: string) => Promise<void>,
    media: KeptMedia,
  ) {
    this.photos = new TelegramKeptPhotos(media);
  }

  /** Kept photos by reference: uploaded once per process, then Telegram's file_id. */
  private readonly photos: TelegramKeptPhotos;

  async send(target: SendTarget, message: OutboundMessage): Promise<{ messageId: string }> {
    try {
      return {
        messageId: await sendTelegramMessage(this.api, target.platformChatId, message, this.photos),
      };
    } catch (error) {
      // A group that became a supergroup has a new id: re-key the chat and send once more.
      const to = migratedTo(error);
      if (!to) throw toPlatformError(error);
      await this.onMigrate(target.platformChatId, to);
      try {
        return { messageId: await sendTelegramMessage(this.api, to, message, this.photos) };
      } catch (retryError) {
        throw toPlatformError(retryError);
      }
    }
  }

  async edit(target: SendTarget, messageId: string, text: string): Promise<void> {
    try {
      await this.api.editMessageText(target.platformChatId, Number(messageId), text);
    } catch (error) {
      throw toPlatformError(error);
    }
  }
}
