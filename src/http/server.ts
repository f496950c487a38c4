import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatAdapter } from "../core/adapter.ts";
import type { ReceiveResult } from "../core/port.ts";
import type { Logger } from "../logger.ts";
import type { MediaLinks } from "./mediaLinks.ts";
import {
  ForgedRequestLog,
  storeWebhookBody,
  WEBHOOK_TOO_LARGE,
  WEBHOOK_UNAUTHORIZED,
  webhookSecretOk,
} from "./webhook.ts";

const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  port: number;
  host: string;
  adapters: ChatAdapter[];
  /** Serves stored images under signed, expiring links (for Zalo, which takes URLs only). */
  media?: { links: MediaLinks; read: (storageKey: string) => Promise<Uint8Array> };
  /** Stores a webhook update through the inbound pipeline. */
  receive: (adapter: ChatAdapter, raw: unknown) => Promise<ReceiveResult>;
  /** The health report and whether it is healthy (503 when not). */
  health: () => Promise<{ ok: boolean } & Record<string, unknown>>;
  logger: Logger;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** The body, or null once it grows past the cap (the caller answers 413 and closes). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on("end", () => {
      if (!tooLarge) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

/** Answers and closes the connection, without reading (more of) the body. */
function refuse(res: ServerResponse, answer: { status: number; body: string }) {
  res.writeHead(answer.status, { "content-type": "application/json", connection: "close" });
  res.end(answer.body, () => res.req.destroy());
}

function reply(res: ServerResponse, status: number, body: string, type = "application/json") {
  res.writeHead(status, { "content-type": type });
  res.end(body);
}

/**
 * The bot's one HTTP server: /healthz, and a webhook route per platform at
 * /webhooks/<platform> (src/http/webhook.ts checks the secret and stores the update).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const forged = new ForgedRequestLog(options.logger);
  const server: Server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (req.method === "GET" && path === "/healthz") {
        const report = await options.health();
        reply(res, report.ok ? 200 : 503, JSON.stringify(report));
        return;
      }
      const media = /^\/media\/([A-Za-z0-9_.-]+)$/.exec(path);
      if (req.method === "GET" && media && options.media) {
        const key = options.media.links.verify(media[1] ?? "");
        if (!key)
          return reply(res, 404, JSON.stringify({ ok: false, error: "expired or invalid link" }));
        const bytes = await options.media.read(key);
        const extension = key.split(".").pop() ?? "";
        const type =
          extension === "png" ? "image/png" : extension === "webp" ? "image/webp" : "image/jpeg";
        res.writeHead(200, { "content-type": type, "cache-control": "private, max-age=300" });
        res.end(Buffer.from(bytes));
        return;
      }
      const webhook = /^\/webhooks\/([a-z]+)$/.exec(path);
      const adapter =
        webhook && options.adapters.find((a) => a.platform === webhook[1] && a.webhook);
      if (req.method === "POST" && adapter?.webhook) {
        // The secret is in the headers: a stranger's body is never read or kept in memory.
        if (!webhookSecretOk(adapter, req.headers)) {
          forged.note(adapter.platform);
          return refuse(res, WEBHOOK_UNAUTHORIZED);
        }
        if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
          return refuse(res, WEBHOOK_TOO_LARGE);
        }
        const body = await readBody(req);
        if (body === null) return refuse(res, WEBHOOK_TOO_LARGE);
        const answer = await storeWebhookBody(adapter, body, options.receive);
        reply(res, answer.status, answer.body);
        return;
      }
      reply(res, 404, JSON.stringify({ ok: false, error: "not found" }));
    } catch (error) {
      options.logger.error({ err: error }, "http request failed");
      if (!res.headersSent) reply(res, 500, JSON.stringify({ ok: false }));
    }
  });
  // Slow senders cannot hold connections open: headers within 10 s, a whole request in 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxConnections = 1024;
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  options.logger.info({ port }, "http server listening");
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold a stop for minutes; a cut webhook is redelivered.
        server.closeAllConnections();
      }),
  };
}
