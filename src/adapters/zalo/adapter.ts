import type { App } from "../../app.ts";
import type { ChatAdapter, WebhookRequest, WebhookResponse } from "../../core/adapter.ts";
import type { RateLimits } from "../../core/transport.ts";
import type { MediaLinks } from "../../http/mediaLinks.ts";
import { openWebhook, WEBHOOK_NOT_AN_UPDATE, WEBHOOK_OK } from "../../http/webhook.ts";
import { Inbox, InboxDrainer } from "../../services/inbox.ts";
import { ZALO_CAPABILITIES } from "./capabilities.ts";
import { type FetchLike, ZaloClient } from "./client.ts";
import { ZaloTransport } from "./transport.ts";
import {
  parseZaloUpdate,
  photoUrlOf,
  toInboundEvent,
  updateKeyOf,
  type ZaloUpdate,
} from "./updates.ts";

export interface ZaloOptions {
  token: string;
  apiRoot: string;
  /** Webhook mode when set; long polling otherwise (development). */
  webhookUrl?: string;
  webhookSecret?: string;
  pollTimeoutSeconds: number;
  limits: RateLimits;
  mediaLinks: MediaLinks | null;
  maxPhotoBytes: number;
  fetch?: FetchLike;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Zalo through the project's own Bot API client: webhook (secret header, stored
 * before the 200) or one long poller, private chats, choices as numbered lines.
 */
export class ZaloAdapter implements ChatAdapter {
  readonly platform = "zalo" as const;
  readonly capabilities = ZALO_CAPABILITIES;
  readonly transport: ZaloTransport;
  readonly client: ZaloClient;
  readonly #inbox: Inbox;
  #state = "starting";
  #polling: Promise<void> | null = null;
  #running = false;
  readonly #stopPolling = new AbortController();
  readonly #drainer: InboxDrainer;

  webhook?: (request: WebhookRequest) => Promise<WebhookResponse>;

  constructor(
    private readonly app: App,
    private readonly options: ZaloOptions,
  ) {
    this.client = new ZaloClient(options.token, options.apiRoot, options.fetch);
    const note = app.translator.for(app.deps.config.DEFAULT_LANGUAGE)("common:photo_not_sent_zalo");
    this.transport = new ZaloTransport(
      this.client,
      options.limits,
      app.services.evidenceStore,
      options.mediaLinks,
      note,
    );
    this.#inbox = new Inbox(app.deps.db, app.deps.clock);
    this.#drainer = new InboxDrainer(
      this.#inbox,
      "zalo",
      (payload) => this.#handle(JSON.parse(payload) as ZaloUpdate),
      // Private chats only: the chat is the part of the key before the message id.
      (payload) => (JSON.parse(payload) as ZaloUpdate).message?.chat.id ?? "none",
      (error, updateKey) => app.deps.logger.error({ err: error, updateKey }, "zalo update failed"),
    );
    if (options.webhookUrl) this.webhook = (request) => this.#receive(request);
  }

  status(): string {
    return this.#state;
  }

  async start(): Promise<void> {
    try {
      const me = await this.client.getMe();
      this.#running = true;
      if (this.options.webhookUrl) {
        await this.client.setWebhook(this.options.webhookUrl, this.options.webhookSecret ?? "");
        this.#state = "webhook";
        this.#drainer.drain();
      } else {
        const info = await this.client.getWebhookInfo().catch(() => ({ url: "" }));
        if (info.url) {
          this.app.deps.logger.warn(
            { platform: "zalo" },
            "a Zalo webhook is set, so polling receives nothing: unset ZALO_WEBHOOK_URL only after deleteWebhook, or set it",
          );
        }
        this.#state = "polling";
        this.#polling = this.#poll();
      }
      this.app.deps.logger.info(
        { mode: this.#state, bot: me.account_name ?? me.id },
        "zalo started",
      );
    } catch (error) {
      this.#state = `error: ${(error as Error).message}`;
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#stopPolling.abort();
    await this.#polling;
    await this.#drainer.idle();
    this.#state = "stopped";
  }

  /** One poller, never two calls at once; 408 means "nothing new"; back off on errors. */
  async #poll(): Promise<void> {
    let backoffMs = 1000;
    while (this.#running) {
      try {
        const raw = await this.client.getUpdates(
          this.options.pollTimeoutSeconds,
          this.#stopPolling.signal,
        );
        backoffMs = 1000;
        if (raw !== null) await this.#store(raw);
      } catch (error) {
        this.app.deps.logger.warn(
          { err: (error as Error).message, backoffMs },
          "zalo polling failed",
        );
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  }

  async #receive(request: WebhookRequest): Promise<WebhookResponse> {
    const opened = openWebhook(
      request,
      "x-bot-api-secret-token",
      this.options.webhookSecret,
      "zalo",
      this.app.deps.logger,
    );
    if ("refused" in opened) return opened.refused;
    return (await this.#store(opened.body)) ? WEBHOOK_OK : WEBHOOK_NOT_AN_UPDATE;
  }

  /** Stores an update (dropping a redelivery) and starts handling it. False if malformed. */
  async #store(body: unknown): Promise<boolean> {
    const update = parseZaloUpdate(body);
    const key = update && updateKeyOf(update);
    if (!update || !key) {
      if (update)
        this.app.deps.logger.info(
          { event: update.event_name },
          "zalo event without a message ignored",
        );
      return update !== null;
    }
    await this.#inbox.record("zalo", key, update);
    this.#drainer.drain();
    return true;
  }

  async #handle(update: ZaloUpdate): Promise<void> {
    const known = [
      "message.text.received",
      "message.image.received",
      "message.sticker.received",
      "message.voice.received",
      "message.unsupported.received",
    ];
    if (!known.includes(update.event_name)) {
      this.app.deps.logger.info(
        { event: update.event_name },
        "unknown zalo event: answered as unsupported",
      );
    }
    const url = update.event_name === "message.image.received" ? photoUrlOf(update) : null;
    const photo = url ? { url, bytes: await this.#download(url) } : null;
    const event = toInboundEvent(update, photo);
    if (!event) return;
    const replies = await this.app.router.handle(event, this.capabilities);
    for (const reply of replies) {
      try {
        await this.transport.send(
          { platformChatId: event.chat.platformChatId, kind: event.chat.kind },
          reply,
        );
      } catch (error) {
        this.app.deps.logger.error({ err: (error as Error).message }, "zalo reply failed");
      }
    }
  }

  /**
   * Zalo's photo URLs have no known lifetime: fetched at once, with a cap. Past the
   * cap, the bytes read so far stand for "too large" and the evidence check refuses.
   */
  async #download(url: string): Promise<Uint8Array> {
    const response = await (this.options.fetch ?? fetch)(url, {
      method: "GET",
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok || !response.body)
      throw new Error(`zalo photo download failed: ${response.status}`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size > this.options.maxPhotoBytes) break;
    }
    return Buffer.concat(chunks);
  }
}
