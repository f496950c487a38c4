import { timingSafeEqual } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, extname, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import type { ChatAdapter } from "../core/adapter.ts";
import type { ReceiveResult } from "../core/port.ts";
import type { Logger } from "../logger.ts";
import type { SignedLinks } from "./signedLinks.ts";
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
  media?: { links: SignedLinks; read: (storageKey: string) => Promise<Uint8Array> };
  /** Serves export files (under `dir`) under signed, expiring links. */
  downloads?: { links: SignedLinks; dir: string; expiredText: string };
  /** Stores a webhook update through the inbound pipeline. */
  receive: (adapter: ChatAdapter, raw: unknown) => Promise<ReceiveResult>;
  /** The health report and whether it is healthy (503 when not). */
  health: () => Promise<{ ok: boolean } & Record<string, unknown>>;
  /**
   * Prometheus metrics at /metrics: with a token, for a bearer of it; without one,
   * for this machine only (a request from a proxy, which says whom it forwards, is not).
   */
  metrics?: { render(): Promise<string>; contentType: string; token?: string };
  /** More routes on the same application (the dashboard). */
  routes?: (web: Hono) => void;
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
 * The routes everything but webhooks goes through: /healthz, signed media and
 * downloads, and whatever `routes` adds (the dashboard), on Hono.
 */
function webApplication(options: HttpServerOptions): Hono {
  const web = new Hono();
  web.get("/healthz", async (c) => {
    const report = await options.health();
    return c.json(report, report.ok ? 200 : 503);
  });
  const metrics = options.metrics;
  if (metrics) {
    web.get("/metrics", async (c) => {
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      if (!metricsAllowed(metrics.token, c.req.header("authorization"), incoming)) {
        return c.text("metrics: send Authorization: Bearer <METRICS_TOKEN>", 401);
      }
      return c.body(await metrics.render(), 200, {
        "content-type": metrics.contentType,
        "cache-control": "no-store",
      });
    });
  }
  const media = options.media;
  if (media) {
    web.get("/media/:token", async (c) => {
      const key = media.links.verify(c.req.param("token"));
      if (!key) return c.json({ ok: false, error: "expired or invalid link" }, 404);
      const bytes = await media.read(key);
      return c.body(Buffer.from(bytes), 200, {
        "content-type": imageType(key),
        "cache-control": "private, max-age=300",
      });
    });
  }
  const downloads = options.downloads;
  if (downloads) {
    web.get("/downloads/:token", (c) => {
      const name = downloads.links.verify(c.req.param("token"));
      const file = name ? exportFile(downloads.dir, name) : null;
      if (!file) return c.text(downloads.expiredText, 404);
      const stream = Readable.toWeb(createReadStream(file.path)) as ReadableStream;
      return c.body(stream, 200, {
        "content-type": file.type,
        "content-length": String(file.size),
        "content-disposition": `attachment; filename="${file.ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
        "cache-control": "private, no-store",
      });
    });
  }
  options.routes?.(web);
  web.notFound((c) => c.json({ ok: false, error: "not found" }, 404));
  web.onError((error, c) => {
    options.logger.error({ err: error }, "http request failed");
    return c.json({ ok: false }, 500);
  });
  return web;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function metricsAllowed(
  token: string | undefined,
  authorization: string | undefined,
  incoming: IncomingMessage | undefined,
): boolean {
  if (token) {
    const given = Buffer.from(authorization ?? "");
    const wanted = Buffer.from(`Bearer ${token}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
  if (!incoming || incoming.headers["x-forwarded-for"] || incoming.headers.forwarded) return false;
  return LOOPBACK.has(incoming.socket.remoteAddress ?? "");
}

const imageType = (key: string) => {
  const extension = key.split(".").pop() ?? "";
  return extension === "png" ? "image/png" : extension === "webp" ? "image/webp" : "image/jpeg";
};

const FILE_TYPES: Record<string, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
  zip: "application/zip",
};

/** The export a link names, only inside the exports folder, and only if it is still there. */
function exportFile(dir: string, name: string) {
  const root = resolve(dir);
  const path = resolve(root, name);
  if (!path.startsWith(`${root}${sep}`)) return null;
  const type = FILE_TYPES[extname(path).slice(1)];
  if (!type || !existsSync(path)) return null;
  const fileName = basename(path);
  return {
    path,
    type,
    size: statSync(path).size,
    name: fileName,
    ascii: fileName.replace(/[^\x20-\x7e]|"/g, "_"),
  };
}

/**
 * The bot's one HTTP server. Webhooks (/webhooks/<platform>) are answered by a
 * hand-written handler because they must refuse a stranger before reading a byte
 * of the body and then close the socket (src/http/webhook.ts checks the secret and
 * stores the update); everything else goes to the Hono application.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const forged = new ForgedRequestLog(options.logger);
  const web = getRequestListener(webApplication(options).fetch);
  const server: Server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
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
      await web(req, res);
    } catch (error) {
      options.logger.error({ err: error }, "http request failed");
      if (!res.headersSent) reply(res, 500, JSON.stringify({ ok: false }));
    }
  });
  // Slow senders cannot hold connections open: headers within 10 s, a whole request in 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxConnections = 1024;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
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
