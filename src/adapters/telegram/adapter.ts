import { Api, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import type { ChatAdapter, WebhookSpec } from "../../core/adapter.ts";
import type { ChatRef } from "../../core/inbound.ts";
import type { OutboundMessage } from "../../core/outbound.ts";
import type { AdapterPort, AdapterStatus, Translated, UpdateRef } from "../../core/port.ts";
import type { RateLimits } from "../../core/transport.ts";
import { runPlatformLoop } from "../platformLoop.ts";
import { TELEGRAM_CAPABILITIES } from "./capabilities.ts";
import { registerCommands } from "./commands.ts";
import { TelegramTransport } from "./transport.ts";
import { chatOf, senderOf, toInboundEvent, webhookUpdateSchema } from "./updates.ts";

/** How long an optional call that failed waits before it is tried again. */
const OPTIONAL_RETRY_MS = 10 * 60_000;

// grammY types its AbortSignal with a shim's type; Node's own is the same at run time.
type GrammySignal = Parameters<Api["getMe"]>[0];
const forGrammy = (signal: AbortSignal) => signal as unknown as GrammySignal;

const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;

export interface TelegramOptions {
  token: string;
  apiRoot: string;
  /** Webhook mode when set; long polling otherwise. */
  webhookUrl?: string;
  webhookSecret?: string;
  limits: RateLimits;
  pollTimeoutSeconds: number;
  /** Longest wait between two tries when Telegram fails. */
  backoffCapMs: number;
}

/**
 * Telegram through grammY's typed Api: long polling by default (its own loop, so an
 * outage, a 409 or a stop is handled here), or webhook mode behind the bot's HTTP
 * server. It translates updates and sends; the inbound pipeline does the rest.
 */
export class TelegramAdapter implements ChatAdapter {
  readonly platform = "telegram" as const;
  readonly capabilities = TELEGRAM_CAPABILITIES;
  readonly transport: TelegramTransport;
  readonly webhook?: WebhookSpec;
  readonly #api: Api;
  readonly #pollApi: Api;
  readonly #status: AdapterStatus;
  readonly #stop = new AbortController();
  #username = "";

  /** The bot's @username once connected (deep links are made from it); "" before. */
  get username(): string {
    return this.#username;
  }
  #offset = 0;
  #loop: Promise<void> | null = null;

  constructor(
    private readonly port: AdapterPort,
    private readonly options: TelegramOptions,
  ) {
    this.#api = new Api(options.token, { apiRoot: options.apiRoot, timeoutSeconds: 60 });
    this.#pollApi = new Api(options.token, {
      apiRoot: options.apiRoot,
      timeoutSeconds: options.pollTimeoutSeconds + 15,
    });
    this.#status = port.status("telegram");
    this.transport = new TelegramTransport(
      this.#api,
      options.limits,
      (from, to) => port.chatMoved("telegram", from, to),
      port.media,
    );
    if (options.webhookUrl && options.webhookSecret) {
      this.webhook = { header: "x-telegram-bot-api-secret-token", secret: options.webhookSecret };
    }
  }

  async start(): Promise<void> {
    this.#loop = runPlatformLoop(
      {
        connect: (signal) => this.#connect(signal),
        ...(this.options.webhookUrl ? {} : { pollOnce: (signal) => this.#pollOnce(signal) }),
        explain: (error) =>
          error instanceof GrammyError && error.error_code === 409
            ? new Error("409: another process is polling this bot (or a webhook is set)")
            : error,
      },
      {
        status: this.#status,
        signal: this.#stop.signal,
        capMs: this.options.backoffCapMs,
        webhook: Boolean(this.options.webhookUrl),
        pollTurn: (signal) => this.port.pollTurn("telegram", signal),
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
    const me = await this.#api.getMe(forGrammy(signal));
    this.#username = me.username;
    // The command menu is a convenience: a Telegram-compatible server without it must
    // not leave the bot deaf, so it is tried once here and again later until it works.
    await this.#optional("setMyCommands", () => registerCommands(this.#api, this.port));
    if (this.options.webhookUrl) {
      await this.#api.setWebhook(
        this.options.webhookUrl,
        { secret_token: this.options.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] },
        forGrammy(signal),
      );
    } else {
      // A webhook left from an earlier deployment would make every poll fail.
      await this.#api.deleteWebhook({}, forGrammy(signal));
    }
  }

  /** Runs an optional call; on failure, tries it again every OPTIONAL_RETRY_MS until stopped. */
  async #optional(call: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
      this.#status.optional(call, null);
    } catch (error) {
      if (this.#stop.signal.aborted) return;
      this.#status.optional(call, error);
      const retry = setTimeout(() => void this.#optional(call, run), OPTIONAL_RETRY_MS);
      retry.unref();
      this.#stop.signal.addEventListener("abort", () => clearTimeout(retry), { once: true });
    }
  }

  /** One long poll: the offset moves on only after each update is stored. */
  async #pollOnce(signal: AbortSignal): Promise<void> {
    const updates = await this.#pollApi.getUpdates(
      {
        offset: this.#offset,
        timeout: this.options.pollTimeoutSeconds,
        allowed_updates: [...ALLOWED_UPDATES],
      },
      forGrammy(signal),
    );
    for (const update of updates) {
      await this.port.receive(this, update);
      this.#offset = update.update_id + 1;
    }
  }

  describe(raw: unknown): UpdateRef | null {
    const parsed = webhookUpdateSchema.safeParse(raw);
    if (!parsed.success) return null;
    const update = parsed.data as unknown as Update;
    const message = update.message ?? update.callback_query?.message;
    const chat = message ? chatOf(message) : update.my_chat_member && chatOf(update.my_chat_member);
    const from = update.message?.from ?? update.callback_query?.from ?? update.my_chat_member?.from;
    const ref: UpdateRef = {
      updateKey: String(update.update_id),
      chatKey: chat?.platformChatId ?? "none",
      chat: chat ?? { platform: "telegram", platformChatId: "none", kind: "PRIVATE" },
      userId: from ? String(from.id) : "",
    };
    const hint = from && senderOf(from).languageHint;
    return hint ? { ...ref, languageHint: hint } : ref;
  }

  async translate(raw: unknown): Promise<Translated> {
    const update = raw as Update;
    const message = update.message;
    if (message?.migrate_to_chat_id) {
      await this.port.chatMoved(
        "telegram",
        String(message.chat.id),
        String(message.migrate_to_chat_id),
      );
      return { type: "none" };
    }
    const member = update.my_chat_member;
    if (member && ["kicked", "left"].includes(member.new_chat_member.status)) {
      await this.port.chatLeft("telegram", String(member.chat.id));
      return { type: "none" };
    }
    const event = toInboundEvent(update, this.#username, (id) => this.#download(id));
    if (!event) {
      // A press the bot cannot read still stops spinning; losing this answer costs nothing.
      if (update.callback_query) {
        this.#api.answerCallbackQuery(update.callback_query.id).catch(() => undefined);
      }
      return { type: "none" };
    }
    if (message?.media_group_id && event.payload.type === "media") {
      // An album has two parts at least: its first part alone waits for the second.
      return {
        type: "event",
        event,
        groupKey: `${message.chat.id}:${message.media_group_id}`,
        minParts: 2,
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

  async #download(fileId: string): Promise<Uint8Array> {
    const file = await this.#api.getFile(fileId);
    if (!file.file_path) throw new Error("telegram gave no file path");
    // The URL holds the token: it is used here and never logged.
    const response = await fetch(
      `${this.options.apiRoot}/file/bot${this.options.token}/${file.file_path}`,
      { signal: AbortSignal.timeout(60_000) },
    );
    if (!response.ok) throw new Error(`telegram file download failed: ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}
