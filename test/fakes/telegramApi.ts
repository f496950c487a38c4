import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/*
 * A fake Telegram Bot API over HTTP that speaks the real JSON wire format, for the
 * methods thidua-bot uses. It records what it was sent, lets a test play users
 * (text, photos, albums, button presses), can be told to fail (429 with
 * retry_after, 403, 5xx), and answers 429 when the bot breaks the rate limits.
 */

type Json = Record<string, unknown>;

export interface SentMessage {
  method: string;
  chatId: string;
  messageId: number;
  text: string;
  photo?: Uint8Array;
  /** Whether the photo's bytes came with this call (an upload) or by a file_id Telegram knew. */
  uploaded?: boolean;
  document?: { name: string; bytes: Uint8Array };
  buttons: { text: string; data: string; webApp?: string }[];
  at: number;
}

export interface FakeLimits {
  perSecond: number;
  perChatIntervalMs: number;
  perGroupPerMinute: number;
  /**
   * Telegram's own rule for one chat: a short burst of this many, then one message
   * per interval (a token bucket), 429 with the seconds until the next one is allowed.
   * Unset: ten messages in any ten intervals.
   */
  perChatBurst?: number;
}

interface Fault {
  method: string;
  chatId?: string;
  times: number;
  status: number;
  description: string;
  retryAfter?: number;
  /** Matching calls that go through before the fault starts (a middle part of a reply). */
  skip?: number;
}

export interface FakeUser {
  id: number;
  first_name: string;
  language_code?: string;
}

const SEND_METHODS = new Set([
  "sendMessage",
  "sendPhoto",
  "sendMediaGroup",
  "sendDocument",
  "editMessageText",
]);

type Button = { text: string; callback_data?: string; web_app?: { url: string } };

function buttonsOf(markup: unknown): { text: string; data: string; webApp?: string }[] {
  return ((markup as { inline_keyboard?: Button[][] })?.inline_keyboard ?? []).flat().map((b) => ({
    text: b.text,
    data: b.callback_data ?? "",
    ...(b.web_app ? { webApp: b.web_app.url } : {}),
  }));
}

export class FakeTelegramApi {
  readonly token = "123456:TEST-fake-token";
  readonly botUser = {
    id: 987654,
    is_bot: true,
    first_name: "Thi đua",
    username: "thidua_test_bot",
  };
  readonly calls: { method: string; payload: Json }[] = [];
  readonly sent: SentMessage[] = [];
  /** Photos the bot uploaded (bytes in the request), as against ones sent by file_id. */
  photoUploads = 0;
  readonly blocked = new Set<string>();
  /** Chats that became supergroups: old id → new id. */
  readonly migrated = new Map<string, string>();
  limits: FakeLimits | null = null;
  /** Chats whose sends broke a limit and got a 429 (not counting injected faults). */
  readonly rateLimitedChats: string[] = [];
  webhook: { url: string; secret: string } | null = null;
  /** An outage: every connection is cut, as when Telegram is unreachable. */
  down = false;
  /** Status codes the bot's webhook answered, in order. */
  readonly webhookAnswers: number[] = [];
  /** getUpdates calls open right now, the most ever open at once, and the refused second ones. */
  pollsOpen = 0;
  maxPollsOpen = 0;
  readonly pollConflicts: number[] = [];
  /** When each getUpdates call started (ms since the epoch). */
  readonly pollStarts: number[] = [];
  /** Button presses the bot answered, with the notice shown to whoever pressed ("" for none). */
  readonly pressAnswers: { id: string; text: string }[] = [];
  /** Called for every message the bot sends (benchmarks time replies with it). */
  onSent: ((message: SentMessage) => void) | null = null;

  #server: Server | null = null;
  #updates: Json[] = [];
  // Like Telegram's, update ids keep growing across restarts of the bot.
  #nextUpdateId = Math.floor(Date.now() / 10) % 1_000_000_000;
  #nextMessageId = 1;
  #files = new Map<string, Uint8Array>();
  #downloadGate: Promise<void> | null = null;
  #openGate = () => {};
  /** Downloads waiting at the gate of `holdDownloads`. */
  downloadsHeld = 0;
  #waiters: (() => void)[] = [];
  #faults: Fault[] = [];
  #sendTimes: number[] = [];
  #chatTimes = new Map<string, number[]>();
  #chatBuckets = new Map<string, { tokens: number; at: number }>();
  #groupTimes = new Map<string, number[]>();
  url = "";

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.#route(req, res).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error_code: 500, description: String(error) }));
      });
    });
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const wake of this.#waiters.splice(0)) wake();
    this.#openGate();
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  /** The next `times` calls of `method` (to `chatId`, if given) fail as told. */
  failNext(method: string, fault: Omit<Fault, "method" | "times"> & { times?: number }): void {
    this.#faults.push({ method, times: fault.times ?? 1, ...fault });
  }

  /** Downloads started from now on wait (a slow file server) until the returned release is called. */
  holdDownloads(): () => void {
    let release = () => {};
    this.#downloadGate = new Promise<void>((resolve) => {
      release = () => {
        this.#downloadGate = null;
        resolve();
      };
    });
    this.#openGate = release;
    return release;
  }

  /** Telegram no longer knows the photos the bot uploaded (their file_ids are refused). */
  forgetUploadedPhotos(): void {
    for (const id of [...this.#files.keys()])
      if (id.startsWith("sent-photo-")) this.#files.delete(id);
  }

  /** Makes a file downloadable with getFile, as if a user had uploaded it. */
  addFile(fileId: string, bytes: Uint8Array): void {
    this.#files.set(fileId, bytes);
  }

  /* Users */

  text(chatId: number, from: FakeUser, text: string, chatType = chatId > 0 ? "private" : "group") {
    return this.push({ message: this.#message(chatId, from, chatType, { text }) });
  }

  photo(
    chatId: number,
    from: FakeUser,
    bytes: Uint8Array,
    options: {
      caption?: string;
      album?: string;
      replyTo?: number;
      /** Forwarded from another chat's user, as Telegram marks it (Bot API 7.0). */
      forwardedFrom?: FakeUser;
    } = {},
  ) {
    const fileId = `photo-${this.#files.size + 1}`;
    this.#files.set(fileId, bytes);
    const sizes = [
      {
        file_id: `${fileId}-small`,
        file_unique_id: `u-${fileId}-s`,
        width: 90,
        height: 90,
        file_size: 100,
      },
      {
        file_id: fileId,
        file_unique_id: `u-${fileId}`,
        width: 800,
        height: 600,
        file_size: bytes.length,
      },
    ];
    this.#files.set(`${fileId}-small`, bytes.subarray(0, 10));
    return this.push({
      message: this.#message(chatId, from, chatId > 0 ? "private" : "group", {
        photo: sizes,
        ...(options.caption ? { caption: options.caption } : {}),
        ...(options.album ? { media_group_id: options.album } : {}),
        ...(options.forwardedFrom
          ? {
              forward_origin: {
                type: "user",
                date: now() - 86_400,
                sender_user: { is_bot: false, ...options.forwardedFrom },
              },
            }
          : {}),
        ...(options.replyTo
          ? {
              reply_to_message: {
                message_id: options.replyTo,
                date: now(),
                chat: this.#chat(chatId, chatId > 0 ? "private" : "group"),
                from: { ...this.botUser },
              },
            }
          : {}),
      }),
    });
  }

  document(chatId: number, from: FakeUser, bytes: Uint8Array, fileName: string, mimeType: string) {
    const fileId = `doc-${this.#files.size + 1}`;
    this.#files.set(fileId, bytes);
    return this.push({
      message: this.#message(chatId, from, "private", {
        document: {
          file_id: fileId,
          file_unique_id: `u-${fileId}`,
          file_name: fileName,
          mime_type: mimeType,
          file_size: bytes.length,
        },
      }),
    });
  }

  /** Sends a callback with any data, as a forged or replayed button would. */
  pressData(chatId: number, from: FakeUser, data: string) {
    const message = this.sent.filter((m) => m.chatId === String(chatId)).at(-1);
    return this.push({
      callback_query: {
        id: `cb-${this.#nextUpdateId}`,
        from: { ...from, is_bot: false },
        chat_instance: "ci",
        data,
        message: {
          message_id: message?.messageId ?? 1,
          date: now(),
          chat: this.#chat(chatId, chatId > 0 ? "private" : "group"),
          text: message?.text ?? "",
        },
      },
    });
  }

  /** Presses the button with this label on the last message the bot sent to the chat. */
  press(chatId: number, from: FakeUser, label: string) {
    const message = this.sent
      .filter((m) => m.chatId === String(chatId) && m.buttons.length > 0)
      .at(-1);
    const button = message?.buttons.find((b) => b.text === label);
    if (!message || !button) {
      throw new Error(
        `no button "${label}" in chat ${chatId}; last buttons: ${message?.buttons.map((b) => b.text)}`,
      );
    }
    return this.push({
      callback_query: {
        id: `cb-${this.#nextUpdateId}`,
        from: { ...from, is_bot: false },
        chat_instance: "ci",
        data: button.data,
        message: {
          message_id: message.messageId,
          date: now(),
          chat: this.#chat(chatId, chatId > 0 ? "private" : "group"),
          text: message.text,
        },
      },
    });
  }

  /** Queues an update for getUpdates, or posts it to the webhook. Answers its id. */
  push(body: Json): number {
    const update = { update_id: this.#nextUpdateId++, ...body };
    if (this.webhook) {
      void this.postToWebhook(update, this.webhook.secret).catch(() => 0);
    } else {
      this.#updates.push(update);
      for (const wake of this.#waiters.splice(0)) wake();
    }
    return update.update_id;
  }

  /** Posts an update to the webhook with the given secret (a forged one, say). */
  async postToWebhook(update: Json, secret: string | null): Promise<number> {
    if (!this.webhook) throw new Error("no webhook set");
    const response = await fetch(this.webhook.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
      },
      body: JSON.stringify(update),
    });
    this.webhookAnswers.push(response.status);
    return response.status;
  }

  /** Texts the bot sent (or edited to) in a chat, in order. */
  textsIn(chatId: number | string): string[] {
    return this.sent.filter((m) => m.chatId === String(chatId)).map((m) => m.text);
  }

  /** Resolves when `predicate` holds, polling the recorded state. */
  async until(predicate: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
    const start = Date.now();
    while (!predicate()) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /* Server */

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const path = new URL(req.url ?? "/", this.url).pathname;
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
    if (file) {
      if (this.#downloadGate) {
        this.downloadsHeld++;
        await this.#downloadGate;
        this.downloadsHeld--;
        // Telegram went away while the download waited: the connection is cut.
        if (this.down) {
          req.socket.destroy();
          return;
        }
      }
      const bytes =
        file[1] === this.token ? this.#files.get(decodeURIComponent(file[2] ?? "")) : undefined;
      res.writeHead(bytes ? 200 : 404);
      res.end(bytes ? Buffer.from(bytes) : "not found");
      return;
    }
    const call = /^\/bot([^/]+)\/(\w+)$/.exec(path);
    if (!call || call[1] !== this.token)
      return this.#answer(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = call[2] ?? "";
    const payload = await readPayload(req);
    this.calls.push({ method, payload });
    if (method === "getUpdates") {
      // Like Telegram: one long poll at a time per bot; a second one is refused with 409.
      if (this.pollsOpen > 0) {
        this.pollConflicts.push(Date.now());
        return this.#answer(res, 409, {
          ok: false,
          error_code: 409,
          description:
            "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        });
      }
      this.pollsOpen++;
      this.maxPollsOpen = Math.max(this.maxPollsOpen, this.pollsOpen);
      this.pollStarts.push(Date.now());
      let open = true;
      res.once("close", () => {
        if (open) this.pollsOpen--;
        open = false;
      });
    }
    const fault = this.#takeFault(method, String(payload.chat_id ?? ""));
    if (fault) {
      return this.#answer(res, fault.status, {
        ok: false,
        error_code: fault.status,
        description: fault.description,
        ...(fault.retryAfter ? { parameters: { retry_after: fault.retryAfter } } : {}),
      });
    }
    if (SEND_METHODS.has(method)) {
      const chatId = String(payload.chat_id);
      const newId = this.migrated.get(chatId);
      if (newId) {
        return this.#answer(res, 400, {
          ok: false,
          error_code: 400,
          description: "Bad Request: group chat was upgraded to a supergroup chat",
          parameters: { migrate_to_chat_id: Number(newId) },
        });
      }
      if (this.blocked.has(chatId)) {
        return this.#answer(res, 403, {
          ok: false,
          error_code: 403,
          description: "Forbidden: bot was blocked by the user",
        });
      }
      const retryAfter = method === "editMessageText" ? 0 : this.#breaksLimits(chatId);
      if (retryAfter > 0) {
        this.rateLimitedChats.push(chatId);
        return this.#answer(res, 429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${retryAfter}`,
          parameters: { retry_after: retryAfter },
        });
      }
    }
    try {
      return this.#answer(res, 200, { ok: true, result: await this.#handle(method, payload) });
    } catch (error) {
      if (!(error instanceof FakeBadRequest)) throw error;
      return this.#answer(res, 400, { ok: false, error_code: 400, description: error.message });
    }
  }

  async #handle(method: string, p: Json): Promise<unknown> {
    switch (method) {
      case "getMe":
        return {
          ...this.botUser,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case "getUpdates":
        return this.#getUpdates(Number(p.offset ?? 0), Number(p.timeout ?? 0));
      case "setWebhook":
        this.webhook = { url: String(p.url), secret: String(p.secret_token ?? "") };
        return true;
      case "deleteWebhook":
        this.webhook = null;
        return true;
      case "getWebhookInfo":
        return {
          url: this.webhook?.url ?? "",
          has_custom_certificate: false,
          pending_update_count: this.#updates.length,
        };
      case "setMyCommands":
        return true;
      case "answerCallbackQuery": {
        // As Telegram: a press is answered once; a second answer is refused.
        const id = String(p.callback_query_id);
        if (this.pressAnswers.some((a) => a.id === id)) {
          throw new FakeBadRequest(
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
          );
        }
        this.pressAnswers.push({ id, text: String(p.text ?? "") });
        return true;
      }
      case "editMessageReplyMarkup": {
        const message = this.sent.find(
          (m) => m.chatId === String(p.chat_id) && m.messageId === Number(p.message_id),
        );
        if (!message) throw new FakeBadRequest("Bad Request: message to edit not found");
        const markup =
          typeof p.reply_markup === "string" ? JSON.parse(p.reply_markup) : p.reply_markup;
        message.buttons = buttonsOf(markup);
        return true;
      }
      case "getFile": {
        const id = String(p.file_id);
        if (!this.#files.has(id)) throw new Error("file not found");
        return {
          file_id: id,
          file_unique_id: `u-${id}`,
          file_size: this.#files.get(id)?.length,
          file_path: id,
        };
      }
      case "sendMessage":
      case "sendPhoto":
      case "sendDocument":
        return this.#record(method, p);
      case "sendMediaGroup":
        return this.#recordAlbum(p);
      case "editMessageText": {
        const message = this.sent.find(
          (m) => m.chatId === String(p.chat_id) && m.messageId === Number(p.message_id),
        );
        if (message) {
          message.text = String(p.text);
          const markup =
            typeof p.reply_markup === "string" ? JSON.parse(p.reply_markup) : p.reply_markup;
          message.buttons = buttonsOf(markup);
        }
        return {
          message_id: Number(p.message_id),
          date: now(),
          chat: this.#chat(Number(p.chat_id), "private"),
          text: p.text,
        };
      }
      default:
        throw new Error(`method ${method} is not in the fake`);
    }
  }

  async #getUpdates(offset: number, timeout: number): Promise<Json[]> {
    if (this.webhook)
      throw new Error("Conflict: can't use getUpdates method while webhook is active");
    this.#updates = this.#updates.filter((u) => Number(u.update_id) >= offset);
    if (this.#updates.length === 0 && timeout > 0) {
      // Long polling, shortened so that tests and a clean stop stay quick.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(timeout * 1000, 300));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#updates.slice(0, 100);
  }

  /**
   * A photo the bot sends: uploaded bytes get a new file_id, as Telegram answers them;
   * a string is a file_id it must already know (else 400, as Telegram says it).
   */
  #photoOf(p: Json): { bytes: Uint8Array; fileId: string; uploaded: boolean } | null {
    if (p.photo instanceof Uint8Array) {
      this.photoUploads++;
      const fileId = `sent-photo-${this.photoUploads}`;
      this.#files.set(fileId, p.photo);
      return { bytes: p.photo, fileId, uploaded: true };
    }
    if (typeof p.photo !== "string") return null;
    const known = this.#files.get(p.photo);
    if (!known) throw new FakeBadRequest("Bad Request: wrong file identifier/HTTP URL specified");
    return { bytes: known, fileId: p.photo, uploaded: false };
  }

  #record(method: string, p: Json): Json {
    const chatId = String(p.chat_id);
    const photo = method === "sendPhoto" || method === "sendMediaGroup" ? this.#photoOf(p) : null;
    const markup = typeof p.reply_markup === "string" ? JSON.parse(p.reply_markup) : p.reply_markup;
    const buttons = buttonsOf(markup);
    const message: SentMessage = {
      method,
      chatId,
      messageId: this.#nextMessageId++,
      text: String(p.text ?? p.caption ?? ""),
      buttons,
      at: Date.now(),
      ...(photo ? { photo: photo.bytes, uploaded: photo.uploaded } : {}),
      ...(p.document instanceof Uint8Array
        ? { document: { name: String(p.__document_name ?? ""), bytes: p.document } }
        : {}),
    };
    this.sent.push(message);
    this.onSent?.(message);
    return {
      message_id: message.messageId,
      date: now(),
      chat: this.#chat(Number(chatId), "private"),
      text: message.text,
      ...(photo
        ? {
            photo: [
              {
                file_id: photo.fileId,
                file_unique_id: `u-${photo.fileId}`,
                width: 800,
                height: 600,
                file_size: photo.bytes.length,
              },
            ],
          }
        : {}),
    };
  }

  /**
   * An album: like Telegram, 2–10 photos (uploaded as attach://<name> parts), no
   * buttons, answered with one message per photo.
   */
  #recordAlbum(p: Json): Json[] {
    const items = (typeof p.media === "string" ? JSON.parse(p.media) : p.media) as Json[];
    if (!Array.isArray(items) || items.length < 2 || items.length > 10)
      throw new Error("Bad Request: wrong number of media in the album");
    // Telegram refuses the whole album when one file_id is unknown.
    for (const item of items) {
      const ref = String(item.media ?? "");
      if (!ref.startsWith("attach://") && !this.#files.has(ref))
        throw new FakeBadRequest("Bad Request: wrong file identifier/HTTP URL specified");
    }
    return items.map((item) => {
      const ref = String(item.media ?? "");
      const bytes = ref.startsWith("attach://") ? p[ref.slice("attach://".length)] : ref;
      if (item.type !== "photo" || !(bytes instanceof Uint8Array || typeof bytes === "string"))
        throw new FakeBadRequest("Bad Request: album items must be photos");
      return this.#record("sendMediaGroup", {
        chat_id: p.chat_id,
        caption: item.caption ?? "",
        photo: bytes,
      });
    });
  }

  /** Seconds to wait when this send breaks a limit (with 10% slack for timer jitter), else 0. */
  #breaksLimits(chatId: string): number {
    const t = Date.now();
    if (this.limits) {
      const { perSecond, perChatIntervalMs, perGroupPerMinute } = this.limits;
      this.#sendTimes = this.#sendTimes.filter((x) => x > t - 1000);
      // Telegram tolerates short bursts in one chat (a conversation's replies): here
      // ten messages in any ten intervals, one per interval on average.
      const window = perChatIntervalMs * 10 * 0.9;
      const chat = (this.#chatTimes.get(chatId) ?? []).filter((x) => x > t - window);
      const group = (this.#groupTimes.get(chatId) ?? []).filter((x) => x > t - 60_000);
      const secondsUntil = (oldest: number | undefined, span: number) =>
        Math.max(1, Math.ceil(((oldest ?? t) + span - t) / 1000));
      // The overall limit is exact: never more than perSecond in any second.
      if (this.#sendTimes.length >= perSecond) return 1;
      const burst = this.limits.perChatBurst;
      // Refilled 10 % faster than the interval, for timer jitter (as the window above).
      const refillMs = perChatIntervalMs * 0.9;
      const bucket = this.#chatBuckets.get(chatId) ?? { tokens: burst ?? 0, at: t };
      const tokens = burst
        ? Math.min(burst, bucket.tokens + (refillMs > 0 ? (t - bucket.at) / refillMs : burst))
        : 0;
      if (burst && tokens < 1) return Math.max(1, Math.ceil(((1 - tokens) * refillMs) / 1000));
      if (!burst && chat.length >= 10) return secondsUntil(chat[0], window);
      if (chatId.startsWith("-") && group.length >= perGroupPerMinute)
        return secondsUntil(group[0], 60_000);
      if (burst) this.#chatBuckets.set(chatId, { tokens: tokens - 1, at: t });
      this.#groupTimes.set(chatId, [...group, t]);
      this.#chatTimes.set(chatId, [...chat, t]);
    }
    this.#sendTimes.push(t);
    return 0;
  }

  #takeFault(method: string, chatId: string): Fault | null {
    for (const fault of this.#faults) {
      if (fault.method !== method || (fault.chatId && fault.chatId !== chatId)) continue;
      if (fault.times <= 0) continue;
      if (fault.skip) {
        fault.skip--;
        continue;
      }
      fault.times--;
      return fault;
    }
    return null;
  }

  #message(chatId: number, from: FakeUser, chatType: string, content: Json): Json {
    return {
      message_id: this.#nextMessageId++,
      date: now(),
      chat: this.#chat(chatId, chatType),
      from: { ...from, is_bot: false },
      ...content,
    };
  }

  #chat(id: number, type: string): Json {
    return type === "private"
      ? { id, type, first_name: "User" }
      : { id, type, title: `Nhóm ${id}` };
  }

  #answer(res: ServerResponse, status: number, body: Json): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }
}

const now = () => Math.floor(Date.now() / 1000);

/** A call Telegram refuses with 400 and this description. */
class FakeBadRequest extends Error {}

async function readPayload(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/json"))
    return body.length ? (JSON.parse(body.toString("utf8")) as Json) : {};
  if (type.includes("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
    const payload = parseMultipart(body, boundary?.[1] ?? boundary?.[2] ?? "");
    // grammY sends files as attach://<id> references in multipart.
    for (const [key, value] of Object.entries(payload)) {
      if (typeof value === "string" && value.startsWith("attach://")) {
        const ref = value.slice("attach://".length);
        payload[key] = payload[ref];
        payload[`__${key}_name`] = payload[`__${ref}_name`];
      }
    }
    return payload;
  }
  if (type.includes("application/x-www-form-urlencoded"))
    return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
  return {};
}

/** A small multipart/form-data reader: text fields as strings, files as bytes (+ __<name>_name). */
function parseMultipart(body: Buffer, boundary: string): Json {
  const payload: Json = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/.exec(headers)?.[1] ?? "";
    // grammY writes filename=<name> without quotes.
    const fileMatch = /filename=(?:"([^"]*)"|([^;\r\n]+))/.exec(headers);
    const fileName = fileMatch ? (fileMatch[1] ?? fileMatch[2] ?? "") : undefined;
    if (fileName !== undefined) {
      payload[name] = new Uint8Array(content);
      payload[`__${name}_name`] = fileName;
    } else {
      payload[name] = content.toString("utf8");
    }
    start = next;
  }
  return payload;
}
