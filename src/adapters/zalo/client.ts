import { z } from "zod";

/*
 * A small typed client for the Zalo Bot API (bot-api.zaloplatforms.com), over an
 * injectable fetch. Every response is parsed with zod; `ok:false` (which Zalo
 * sends with HTTP 200) becomes a ZaloApiError carrying error_code. The token is
 * part of every URL, so no error message or log line ever contains a URL.
 */

export const envelopeSchema = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
});

const sentSchema = z.looseObject({ message_id: z.string(), date: z.number().optional() });
const meSchema = z.looseObject({
  id: z.string(),
  account_name: z.string().optional(),
  account_type: z.string().optional(),
  can_join_groups: z.boolean().optional(),
});
const webhookInfoSchema = z.looseObject({ url: z.string(), updated_at: z.number().optional() });

export class ZaloApiError extends Error {
  override name = "ZaloApiError";
  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(`${method}: ${errorCode} ${description}`);
  }

  /** An idle long poll: "nothing new", not a failure. */
  get isPollingTimeout(): boolean {
    return this.errorCode === 408 || (this.errorCode === 504 && /timeout/i.test(this.description));
  }
}

/** The request may or may not have reached Zalo; `surelyNotSent` says when it did not. */
export class ZaloNetworkError extends Error {
  override name = "ZaloNetworkError";
  constructor(
    readonly method: string,
    message: string,
    readonly surelyNotSent: boolean,
  ) {
    super(`${method}: ${message}`);
  }
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

// Failures that happen before a request leaves the machine: safe to retry.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

export class ZaloClient {
  constructor(
    private readonly token: string,
    private readonly apiRoot: string,
    private readonly fetchImpl: FetchLike = fetch,
  ) {}

  async call(
    method: string,
    body: Record<string, unknown> = {},
    timeoutMs = 15_000,
    stop?: AbortSignal,
  ): Promise<unknown> {
    let response: Response;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      response = await this.fetchImpl(`${this.apiRoot}/bot${this.token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: stop ? AbortSignal.any([timeout, stop]) : timeout,
      });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? "";
      throw new ZaloNetworkError(method, code || (error as Error).name, NOT_SENT_CODES.has(code));
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new ZaloApiError(
        method,
        response.status,
        `HTTP ${response.status} without a JSON body`,
      );
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) throw new ZaloApiError(method, response.status, "malformed response");
    if (!envelope.data.ok) {
      throw new ZaloApiError(
        method,
        envelope.data.error_code ?? response.status,
        envelope.data.description ?? "",
      );
    }
    return envelope.data.result;
  }

  async getMe(stop?: AbortSignal) {
    return meSchema.parse(await this.call("getMe", {}, 15_000, stop));
  }

  /** One update, or null when the poll ran idle (or `stop` ended it). */
  async getUpdates(timeoutSeconds: number, stop?: AbortSignal): Promise<unknown | null> {
    try {
      const body = { timeout: String(timeoutSeconds) };
      return (await this.call("getUpdates", body, (timeoutSeconds + 5) * 1000, stop)) ?? null;
    } catch (error) {
      if (error instanceof ZaloApiError && error.isPollingTimeout) return null;
      if (stop?.aborted) return null;
      throw error;
    }
  }

  async setWebhook(url: string, secretToken: string) {
    return webhookInfoSchema.parse(
      await this.call("setWebhook", { url, secret_token: secretToken }),
    );
  }

  async deleteWebhook(stop?: AbortSignal) {
    return webhookInfoSchema.parse(await this.call("deleteWebhook", {}, 15_000, stop));
  }

  async getWebhookInfo(stop?: AbortSignal) {
    return webhookInfoSchema.parse(await this.call("getWebhookInfo", {}, 15_000, stop));
  }

  async sendMessage(chatId: string, text: string) {
    return sentSchema.parse(await this.call("sendMessage", { chat_id: chatId, text }));
  }

  /** Zalo fetches the photo itself: `photoUrl` must be public HTTPS. */
  async sendPhoto(chatId: string, photoUrl: string, caption?: string) {
    return sentSchema.parse(
      await this.call(
        "sendPhoto",
        { chat_id: chatId, photo: photoUrl, ...(caption ? { caption } : {}) },
        150_000,
      ),
    );
  }

  async sendChatAction(chatId: string, action: "typing" = "typing"): Promise<void> {
    await this.call("sendChatAction", { chat_id: chatId, action }, 5_000);
  }
}
