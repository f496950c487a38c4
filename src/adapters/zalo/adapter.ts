import type { ChatAdapter, WebhookSpec } from "../../core/adapter.ts";
import type { Capabilities } from "../../core/capabilities.ts";
import type { ChatRef } from "../../core/inbound.ts";
import type { OutboundMessage } from "../../core/outbound.ts";
import {
  type AdapterPort,
  type AdapterStatus,
  PermanentInboundError,
  type Translated,
  type UpdateRef,
} from "../../core/port.ts";
import type { RateLimits } from "../../core/transport.ts";
import { fetchOutbound, OutboundRefused, OutboundStatus } from "../../http/outboundFetch.ts";
import type { SignedLinks } from "../../http/signedLinks.ts";
import { runPlatformLoop } from "../platformLoop.ts";
import { zaloCapabilities } from "./capabilities.ts";
import { type FetchLike, ZaloClient } from "./client.ts";
import { ZaloTransport } from "./transport.ts";
import { parseZaloUpdate, photoUrlOf, toInboundEvent, updateKeyOf } from "./updates.ts";

export interface ZaloOptions {
  token: string;
  apiRoot: string;
  /** Webhook mode when set; long polling otherwise (development). */
  webhookUrl?: string;
  webhookSecret?: string;
  pollTimeoutSeconds: number;
  limits: RateLimits;
  mediaLinks: SignedLinks | null;
  maxPhotoBytes: number;
  /** How long the next photo of a burst is waited for while the sender's pace is unknown. */
  photoBurstMs: number;
  /** Longest wait between two tries when Zalo fails. */
  backoffCapMs: number;
  fetch?: FetchLike;
}

/**
 * Zalo through the project's own Bot API client: webhook (secret header) or one long
 * poller, private chats, choices as numbered lines. It translates and sends; the
 * inbound pipeline stores, handles and answers.
 */
export class ZaloAdapter implements ChatAdapter {
  readonly platform = "zalo" as const;
  /** Groups only where getMe says this bot may join them (most bots may not). */
  capabilities: Capabilities;
  readonly transport: ZaloTransport;
  readonly client: ZaloClient;
  readonly webhook?: WebhookSpec;
  readonly #status: AdapterStatus;
  readonly #stop = new AbortController();
  #loop: Promise<void> | null = null;

  constructor(
    private readonly port: AdapterPort,
    private readonly options: ZaloOptions,
  ) {
    this.client = new ZaloClient(options.token, options.apiRoot, options.fetch);
    this.#status = port.status("zalo");
    this.capabilities = zaloCapabilities(options.mediaLinks !== null);
    this.transport = new ZaloTransport(
      this.client,
      options.limits,
      port.media,
      options.mediaLinks,
      port.text(port.defaultLanguage, "common:photo_not_sent_zalo"),
    );
    if (options.webhookUrl && options.webhookSecret) {
      this.webhook = { header: "x-bot-api-secret-token", secret: options.webhookSecret };
    }
  }

  async start(): Promise<void> {
    this.#loop = runPlatformLoop(
      {
        connect: (signal) => this.#connect(signal),
        ...(this.options.webhookUrl ? {} : { pollOnce: (signal) => this.#pollOnce(signal) }),
      },
      {
        status: this.#status,
        signal: this.#stop.signal,
        capMs: this.options.backoffCapMs,
        webhook: Boolean(this.options.webhookUrl),
        pollTurn: (signal) => this.port.pollTurn("zalo", signal),
        // A long poll may take its whole timeout; past that and a margin, it hangs.
        hangMs: (this.options.pollTimeoutSeconds + 30) * 1000,
      },
    );
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    this.#status.state("stopped");
  }

  async #connect(signal: AbortSignal): Promise<void> {
    const me = await this.client.getMe(signal);
    this.capabilities = {
      ...zaloCapabilities(this.options.mediaLinks !== null),
      groups: me.can_join_groups === true,
    };
    if (this.options.webhookUrl) {
      await this.client.setWebhook(this.options.webhookUrl, this.options.webhookSecret ?? "");
      return;
    }
    // A webhook left from an earlier deployment makes Zalo hold every update back from
    // getUpdates, silently: remove it, as for Telegram.
    const info = await this.client.getWebhookInfo(signal);
    if (info.url) await this.client.deleteWebhook(signal);
  }

  /** One poll, never two at once; an idle poll (408) is "nothing new". */
  async #pollOnce(signal: AbortSignal): Promise<void> {
    const raw = await this.client.getUpdates(this.options.pollTimeoutSeconds, signal);
    if (raw !== null) await this.port.receive(this, raw);
  }

  describe(raw: unknown): UpdateRef | null {
    const update = parseZaloUpdate(raw);
    const key = update && updateKeyOf(update);
    const message = update?.message;
    if (!key || !message) return null;
    return {
      updateKey: key,
      // Private chats only: the chat is the part of the key before the message id.
      chatKey: message.chat.id,
      chat: {
        platform: "zalo",
        platformChatId: message.chat.id,
        kind: message.chat.chat_type === "GROUP" ? "GROUP" : "PRIVATE",
      },
      userId: message.from.id,
    };
  }

  async translate(raw: unknown): Promise<Translated> {
    const update = parseZaloUpdate(raw);
    if (!update) return { type: "none" };
    // A group message for a bot Zalo says cannot be in groups: nothing safe to answer.
    if (update.message?.chat.chat_type === "GROUP" && !this.capabilities.groups) {
      return { type: "none" };
    }
    const url = update.event_name === "message.image.received" ? photoUrlOf(update) : null;
    // Zalo's photo URLs have no known lifetime: fetched now; a failure is retried by
    // the pipeline, and after the last try the sender is asked to send it again.
    const photo = url ? { url, ...(await this.#download(url)) } : null;
    // Unknown event names become "unsupported": the user is told what the bot reads.
    const event = toInboundEvent(update, photo);
    if (!event) return { type: "none" };
    // Zalo sends each photo of a burst as its own message (the caption on one of them),
    // a slow phone seconds apart: a sender's photos until they go quiet (at their own
    // pace, src/inbound/bursts.ts) are handled, and answered, as one.
    if (event.payload.type === "media") {
      return {
        type: "event",
        event,
        groupKey: `burst:${event.chat.platformChatId}:${event.from.platformUserId}`,
        quietMs: this.options.photoBurstMs,
      };
    }
    return { type: "event", event };
  }

  get limits(): RateLimits {
    return this.transport.limits;
  }

  async reply(chat: ChatRef, message: OutboundMessage): Promise<void> {
    await this.transport.send({ platformChatId: chat.platformChatId, kind: chat.kind }, message);
  }

  /** Fetched only from where a photo may come (src/http/outboundFetch.ts), with caps. */
  async #download(url: string): Promise<{ bytes: Uint8Array; declaredSize?: number }> {
    try {
      return await fetchOutbound(url, {
        maxBytes: this.options.maxPhotoBytes,
        timeoutMs: 30_000,
        trustedHost: new URL(this.options.apiRoot).host,
        ...(this.options.fetch ? { fetchImpl: this.options.fetch as typeof fetch } : {}),
      });
    } catch (error) {
      // A URL we refuse to fetch, or one the server says is gone (404), will not change
      // on a retry: the user is asked at once to send the photo again.
      if (error instanceof OutboundRefused) throw new PermanentInboundError(error.message);
      if (error instanceof OutboundStatus && error.permanent) {
        throw new PermanentInboundError(error.message);
      }
      throw error;
    }
  }
}
