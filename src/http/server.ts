import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatAdapter } from "../core/adapter.ts";
import type { Logger } from "../logger.ts";
import type { MediaLinks } from "./mediaLinks.ts";

const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  port: number;
  host: string;
  adapters: ChatAdapter[];
  /** Serves stored images under signed, expiring links (for Zalo, which takes URLs only). */
  media?: { links: MediaLinks; read: (storageKey: string) => Promise<Uint8Array> };
  /** Answers whether the database answers. */
  checkDatabase: () => Promise<boolean>;
  logger: Logger;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function reply(res: ServerResponse, status: number, body: string, type = "application/json") {
  res.writeHead(status, { "content-type": type });
  res.end(body);
}

/**
 * The bot's one HTTP server: /healthz, and a webhook route per platform at
 * /webhooks/<platform>. Webhook adapters check their own secret header.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const server: Server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (req.method === "GET" && path === "/healthz") {
        const database = await options.checkDatabase().catch(() => false);
        const adapters = Object.fromEntries(options.adapters.map((a) => [a.platform, a.status()]));
        const healthy = database && Object.values(adapters).every((s) => !s.startsWith("error"));
        reply(res, healthy ? 200 : 503, JSON.stringify({ ok: healthy, database, adapters }));
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
        const body = await readBody(req);
        if (body === null)
          return reply(res, 413, JSON.stringify({ ok: false, error: "body too large" }));
        const answer = await adapter.webhook({ headers: req.headers, body });
        reply(res, answer.status, answer.body);
        return;
      }
      reply(res, 404, JSON.stringify({ ok: false, error: "not found" }));
    } catch (error) {
      options.logger.error({ err: error }, "http request failed");
      if (!res.headersSent) reply(res, 500, JSON.stringify({ ok: false }));
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  options.logger.info({ port }, "http server listening");
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
