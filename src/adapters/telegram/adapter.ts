import { autoRetry } from "@grammyjs/auto-retry";
import { Api, Bot } from "grammy";
import type { Update } from "grammy/types";
import type { App } from "../../app.ts";
import type { ChatAdapter, WebhookRequest, WebhookResponse } from "../../core/adapter.ts";
import type { InboundEvent } from "../../core/inbound.ts";
import type { RateLimits } from "../../core/transport.ts";
import { openWebhook, WEBHOOK_NOT_AN_UPDATE, WEBHOOK_OK } from "../../http/webhook.ts";
import { Inbox, InboxDrainer } from "../../services/inbox.ts";
import { AlbumCollector } from "./albums.ts";
import { TELEGRAM_CAPABILITIES } from "./capabilities.ts";
import { registerCommands } from "./commands.ts";
import { sendTelegramMessage } from "./send.ts";
import { TelegramTransport } from "./transport.ts";
import { toInboundEvent, webhookUpdateSchema } from "./updates.ts";

const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;
/** The chat an update belongs to, so that one chat's updates keep their order. */
function chatKeyOf(payload: string): string {
  const update = JSON.parse(payload) as Update;
  const chat =
    update.message?.chat ?? update.callback_query?.message?.chat ?? update.my_chat_member?.chat;
  return String(chat?.id ?? "none");
}

export interface TelegramOptions {
  token: string;
  apiRoot: string;
  /** Webhook mode when set; long polling otherwise. */
  webhookUrl?: string;
  webhookSecret?: string;
  albumQuietMs: number;
  limits: RateLimits;
}

/**
 * Telegram on grammY: long polling by default, webhook mode behind the bot's HTTP
 * server, updates turned into InboundEvents, replies sent with buttons.
 */
export class TelegramAdapter implements ChatAdapter {
  readonly platform = "telegram" as const;
  readonly capabilities = TELEGRAM_CAPABILITIES;
  readonly transport: TelegramTransport;
  readonly bot: Bot;
  readonly #inbox: Inbox;
  readonly #albums: AlbumCollector;
  #state = "starting";
  readonly #drainer: InboxDrainer;
  #pending = new Set<Promise<unknown>>();

  constructor(
    private readonly app: App,
    private readonly options: TelegramOptions,
  ) {
    const client = { apiRoot: options.apiRoot };
    this.bot = new Bot(options.token, { client });
    // Direct replies retry a 429 or a 5xx briefly; the outbox's sender uses its own
    // Api without retries, because it schedules retries itself.
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5 }));
    this.transport = new TelegramTransport(
      new Api(options.token, client),
      options.limits,
      async (from, to) => {
        await app.services.membership.rekeyChat("telegram", from, to);
      },
    );
    this.#inbox = new Inbox(app.deps.db, app.deps.clock);
    this.#drainer = new InboxDrainer(
      this.#inbox,
      "telegram",
      (payload) => this.bot.handleUpdate(JSON.parse(payload) as Update),
      chatKeyOf,
      (error, updateId) =>
        app.deps.logger.error({ err: error, updateId }, "stored telegram update failed"),
    );
    this.#albums = new AlbumCollector(options.albumQuietMs, (event) =>
      this.#track(this.#dispatch(event)),
    );
    this.bot.use(async (ctx) => this.#onUpdate(ctx.update));
    this.bot.catch((error) =>
      this.app.deps.logger.error({ err: error.error }, "telegram update failed"),
    );
    if (options.webhookUrl) this.webhook = (request) => this.#receive(request);
  }

  webhook?: (request: WebhookRequest) => Promise<WebhookResponse>;

  status(): string {
    return this.#state;
  }

  async start(): Promise<void> {
    try {
      await this.bot.init();
      await registerCommands(this.bot.api, this.app);
      if (this.options.webhookUrl) {
        await this.bot.api.setWebhook(this.options.webhookUrl, {
          secret_token: this.options.webhookSecret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        this.#state = "webhook";
        this.#drainer.drain();
      } else {
        await this.bot.api.deleteWebhook();
        this.#state = "polling";
        void this.bot.start({ allowed_updates: [...ALLOWED_UPDATES] }).catch((error: unknown) => {
          this.#state = `error: ${(error as Error).message}`;
          this.app.deps.logger.error({ err: error }, "telegram polling stopped");
        });
      }
      this.app.deps.logger.info(
        { mode: this.#state, bot: this.bot.botInfo.username },
        "telegram started",
      );
    } catch (error) {
      this.#state = `error: ${(error as Error).message}`;
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.bot.isRunning()) await this.bot.stop();
    this.#albums.flush();
    await this.#drainer.idle();
    await Promise.all(this.#pending);
    this.#state = "stopped";
  }

  /** Webhook: check the secret, store the update, answer; handle it afterwards. */
  async #receive(request: WebhookRequest): Promise<WebhookResponse> {
    const opened = openWebhook(
      request,
      "x-telegram-bot-api-secret-token",
      this.options.webhookSecret,
      "telegram",
      this.app.deps.logger,
    );
    if ("refused" in opened) return opened.refused;
    const update = webhookUpdateSchema.safeParse(opened.body);
    if (!update.success) return WEBHOOK_NOT_AN_UPDATE;
    await this.#inbox.record("telegram", String(update.data.update_id), update.data);
    this.#drainer.drain();
    return WEBHOOK_OK;
  }

  async #onUpdate(update: Update): Promise<void> {
    const message = update.message;
    if (message?.migrate_to_chat_id) {
      await this.app.services.membership.rekeyChat(
        "telegram",
        String(message.chat.id),
        String(message.migrate_to_chat_id),
      );
      return;
    }
    const member = update.my_chat_member;
    if (member && ["kicked", "left"].includes(member.new_chat_member.status)) {
      await this.app.services.announcements.markChatBlocked("telegram", String(member.chat.id));
      return;
    }
    const event = toInboundEvent(update, this.bot.botInfo.username, (id) => this.#download(id));
    if (update.callback_query) {
      await this.bot.api.answerCallbackQuery(update.callback_query.id).catch(() => undefined);
    }
    if (!event) return;
    if (message?.media_group_id && event.payload.type === "media") {
      this.#albums.add(message.media_group_id, event);
      return;
    }
    await this.#dispatch(event);
  }

  async #dispatch(event: InboundEvent): Promise<void> {
    const replies = await this.app.router.handle(event, this.capabilities);
    for (const reply of replies) {
      try {
        await sendTelegramMessage(this.bot.api, event.chat.platformChatId, reply);
      } catch (error) {
        this.app.deps.logger.error(
          { err: (error as Error).message, chat: event.chat.platformChatId },
          "telegram reply failed",
        );
      }
    }
  }

  async #download(fileId: string): Promise<Uint8Array> {
    const file = await this.bot.api.getFile(fileId);
    if (!file.file_path) throw new Error("telegram gave no file path");
    // The URL holds the token: it is used here and never logged.
    const response = await fetch(
      `${this.options.apiRoot}/file/bot${this.options.token}/${file.file_path}`,
    );
    if (!response.ok) throw new Error(`telegram file download failed: ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) =>
      this.app.deps.logger.error({ err: error }, "telegram album failed"),
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }
}
