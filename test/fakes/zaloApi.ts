import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/*
 * A fake Zalo Bot API over HTTP in the documented wire format: every answer is
 * HTTP 200 with {ok, result | error_code, description}; getUpdates hands out one
 * update per call and answers 408 when idle; photos are public URLs it serves, and
 * sendPhoto fetches the URL it is given, as Zalo does. It records what the bot
 * sent and can be told to fail.
 */

type Json = Record<string, unknown>;

export interface ZaloSent {
  method: string;
  chatId: string;
  text: string;
  photoUrl?: string;
  /** What fetching photoUrl gave, when the bot sent a photo. */
  photoStatus?: number;
  /** The bytes Zalo fetched from photoUrl. */
  photo?: Uint8Array;
}

interface Fault {
  method: string;
  chatId?: string;
  times: number;
  errorCode: number;
  description: string;
}

export class FakeZaloApi {
  readonly token = "12345689:fake-zalo-token";
  readonly sent: ZaloSent[] = [];
  readonly calls: { method: string; body: Json }[] = [];
  webhook: { url: string; secret: string } | null = null;
  /** What getMe says: most bots cannot be in groups; some (in Zalo's testing) can. */
  canJoinGroups = false;
  /**
   * Users who blocked the bot: sends to them are refused. Zalo documents no code for
   * it; the answer names the block in words, as the bot's classification reads it.
   */
  readonly blocked = new Set<string>();
  /** How updates are wrapped when delivered: as the docs show, or flat as captured. */
  envelope: "wrapped" | "flat" = "wrapped";
  url = "";

  #server: Server | null = null;
  #queue: Json[] = [];
  #waiters: (() => void)[] = [];
  #faults: Fault[] = [];
  #images = new Map<string, Uint8Array>();
  #gone = new Set<string>();
  #nextMessage = 1;

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.#route(req, res).catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
    });
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const wake of this.#waiters.splice(0)) wake();
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  /** The next `n` fetches of a user's photo URL fail with 503. */
  imageFailures = 0;
  /** Paths of the photo URLs the bot fetched, in order (with failed fetches). */
  readonly imageFetches: string[] = [];

  failNext(method: string, fault: Omit<Fault, "method" | "times"> & { times?: number }): void {
    this.#faults.push({ method, times: fault.times ?? 1, ...fault });
  }

  /* Users (private chats: chat.id equals from.id) */

  text(userId: string, name: string, text: string): Json {
    return this.#deliver("message.text.received", userId, name, { text });
  }

  image(
    userId: string,
    name: string,
    bytes: Uint8Array,
    options: { caption?: string; field?: "photo_url" | "photo" } = {},
  ) {
    const path = `/images/${this.#images.size + 1}.jpg`;
    this.#images.set(path, bytes);
    return this.#deliver("message.image.received", userId, name, {
      [options.field ?? "photo_url"]: `${this.url}${path}`,
      ...(options.caption ? { caption: options.caption } : {}),
      message_type: "CHAT_PHOTO",
    });
  }

  /** A photo message whose URL the CDN no longer has: every fetch answers 404. */
  goneImage(userId: string, name: string, caption = ""): Json {
    const path = `/images/gone-${this.#nextMessage}.jpg`;
    this.#gone.add(path);
    return this.imageAt(userId, name, `${this.url}${path}`, caption);
  }

  /** A photo message whose URL points wherever the test says (a probe of our network). */
  imageAt(userId: string, name: string, url: string, caption = ""): Json {
    return this.#deliver("message.image.received", userId, name, {
      photo_url: url,
      ...(caption ? { caption } : {}),
      message_type: "CHAT_PHOTO",
    });
  }

  /** A message in a group, where Zalo delivers only what mentions (or replies to) the bot. */
  groupText(groupId: string, userId: string, name: string, text: string): Json {
    return this.#deliver("message.text.received", userId, name, { text }, groupId);
  }

  sticker(userId: string, name: string): Json {
    return this.#deliver("message.sticker.received", userId, name, { sticker: "abc" });
  }

  /** Builds an update; queues it for getUpdates or posts it to the webhook. */
  #deliver(event: string, userId: string, name: string, content: Json, groupId?: string): Json {
    const update = {
      event_name: event,
      message: {
        message_id: (this.#nextMessage++).toString(16).padStart(20, "0"),
        date: Date.now(),
        from: { id: userId, display_name: name, is_bot: false },
        chat: groupId ? { id: groupId, chat_type: "GROUP" } : { id: userId, chat_type: "PRIVATE" },
        ...content,
      },
    };
    if (this.webhook) void this.post(update, this.webhook.secret);
    else {
      this.#queue.push(update);
      for (const wake of this.#waiters.splice(0)) wake();
    }
    return update;
  }

  /** Posts an update to the webhook as Zalo would (or forged, with another secret). */
  async post(update: Json, secret: string | null): Promise<number> {
    if (!this.webhook) throw new Error("no webhook set");
    const body = this.envelope === "wrapped" ? { ok: true, result: update } : update;
    const response = await fetch(this.webhook.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secret ? { "x-bot-api-secret-token": secret } : {}),
      },
      body: JSON.stringify(body),
    });
    return response.status;
  }

  textsTo(chatId: string): string[] {
    return this.sent.filter((s) => s.chatId === chatId).map((s) => s.text);
  }

  async until(predicate: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
    const start = Date.now();
    while (!predicate()) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /* Server */

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", this.url).pathname;
    const image = this.#images.get(path);
    if (req.method === "GET" && (image || this.#gone.has(path))) this.imageFetches.push(path);
    if (req.method === "GET" && this.#gone.has(path)) {
      res.writeHead(404);
      res.end("not found");
      return;
    }
    if (req.method === "GET" && image && this.imageFailures > 0) {
      this.imageFailures--;
      res.writeHead(503);
      res.end("busy");
      return;
    }
    if (req.method === "GET" && image) {
      // As a CDN does: the size is declared.
      res.writeHead(200, { "content-type": "image/jpeg", "content-length": image.length });
      res.end(Buffer.from(image));
      return;
    }
    const call = /^\/bot([^/]+)\/(\w+)$/.exec(path);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json) : {};
    // Zalo answers HTTP 200 even for errors: the envelope says what happened.
    const answer = (payload: Json) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    if (!call || call[1] !== this.token)
      return answer({ ok: false, error_code: 401, description: "Unauthorized" });
    const method = call[2] ?? "";
    this.calls.push({ method, body });
    const fault = this.#faults.find(
      (f) => f.method === method && (!f.chatId || f.chatId === body.chat_id) && f.times > 0,
    );
    if (fault) {
      fault.times--;
      return answer({ ok: false, error_code: fault.errorCode, description: fault.description });
    }
    if (method.startsWith("send") && this.blocked.has(String(body.chat_id)))
      return answer({ ok: false, error_code: 403, description: "The user has blocked the bot" });
    try {
      return answer({ ok: true, result: await this.#handle(method, body) });
    } catch (error) {
      const [code, description] = String((error as Error).message).split("|");
      return answer({
        ok: false,
        error_code: Number(code) || 400,
        description: description ?? "Bad Request",
      });
    }
  }

  async #handle(method: string, body: Json): Promise<unknown> {
    switch (method) {
      case "getMe":
        return {
          id: "bot-123",
          account_name: "bot.thidua",
          account_type: "BASIC",
          can_join_groups: this.canJoinGroups,
        };
      case "getUpdates": {
        if (this.webhook) throw new Error("400|webhook is set: getUpdates is disabled");
        if (this.#queue.length === 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(Number(body.timeout ?? 30) * 1000, 300));
            this.#waiters.push(() => {
              clearTimeout(timer);
              resolve();
            });
          });
        }
        const next = this.#queue.shift();
        if (!next) throw new Error("408|Request timeout");
        return next;
      }
      case "setWebhook": {
        const secret = String(body.secret_token ?? "");
        if (secret.length < 8 || secret.length > 256)
          throw new Error("400|secret_token must be 8-256 characters");
        this.webhook = { url: String(body.url), secret };
        return { url: this.webhook.url, updated_at: Date.now() };
      }
      case "deleteWebhook":
        this.webhook = null;
        return { url: "", updated_at: Date.now() };
      case "getWebhookInfo":
        return { url: this.webhook?.url ?? "", updated_at: Date.now() };
      case "sendChatAction":
        return {};
      case "sendMessage": {
        const text = String(body.text ?? "");
        if (text.length < 1 || text.length > 2000)
          throw new Error("400|text must be 1-2000 characters");
        return this.#record({ method, chatId: String(body.chat_id), text });
      }
      case "sendPhoto": {
        const photoUrl = String(body.photo ?? "");
        const fetched = await fetch(photoUrl).catch(() => null);
        if (!fetched?.ok) throw new Error("400|photo url could not be fetched");
        return this.#record({
          method,
          chatId: String(body.chat_id),
          text: String(body.caption ?? ""),
          photoUrl,
          photoStatus: fetched.status,
          photo: new Uint8Array(await fetched.arrayBuffer()),
        });
      }
      default:
        throw new Error(`404|method ${method} not found`);
    }
  }

  #record(sent: ZaloSent): Json {
    this.sent.push(sent);
    return { message_id: `sent${this.sent.length}`, date: Date.now() };
  }
}
