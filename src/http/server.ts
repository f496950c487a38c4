import { timingSafeEqual } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { basename, extname, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import type { ChatAdapter } from "../core/adapter.ts";
import type { ReceiveResult } from "../core/port.ts";
import type { Logger } from "../logger.ts";
import { ConnectionGuard, connectionLimits, openFileLimit } from "./connectionGuard.ts";
import { announcedTooLarge, announcesBody, bodyLimitFor, readBody } from "./requestBody.ts";
import type { SignedLinks } from "./signedLinks.ts";
import {
  ForgedRequestLog,
  storeWebhookBody,
  WEBHOOK_TOO_LARGE,
  WEBHOOK_UNAUTHORIZED,
  webhookSecretOk,
} from "./webhook.ts";

/** A request's headers must be in within this; a connection that says nothing goes then. */
const HEADERS_TIMEOUT_MS = 10_000;
/** A whole request, body included. */
const REQUEST_TIMEOUT_MS = 30_000;
/** A kept-alive connection with no next request. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

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
  /** Connections held at once, in all and per client address (0: no per-address cap). */
  connections?: { total: number; perAddress: number };
  logger: Logger;
}

export const DEFAULT_CONNECTIONS = { total: 1000, perAddress: 128 };

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** How long a refused client has to read the answer before its connection is cut. */
const LINGER_MS = 1000;

/**
 * Answers and closes the connection without reading any more of the body. Closing
 * with bytes unread resets the connection, and a client still sending (a browser
 * posting a file too large) would lose the answer; so the close lingers: the answer
 * and the end of our side go out, nothing more is read (the client's sending stalls
 * once the buffers are full), and after a second the connection goes.
 */
function refuse(res: ServerResponse, answer: { status: number; body: string }) {
  const socket = res.socket;
  const req = res.req;
  res.writeHead(answer.status, { "content-type": "application/json", connection: "close" });
  if (socket) {
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    socket.once("close", () => clearTimeout(timer));
    // Node would destroy a "connection: close" socket once the answer is written; here
    // it only says it is done writing, and the timer ends it.
    socket.destroySoon = () => {
      if (socket.writable) socket.end();
    };
    // Paused and marked as read by us, so that Node does not drain the rest of the body
    // once answered: at most a buffer's worth more is read, then the socket stops.
    req.pause();
    req.read(0);
  }
  res.end(answer.body);
}

const BUSY = { status: 503, body: JSON.stringify({ ok: false, error: "busy" }) };
const TOO_LARGE = WEBHOOK_TOO_LARGE;

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
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pdf: "application/pdf",
  // manifest.sha256 (exports and the tổng kết pack): sha256sum's lines.
  sha256: "text/plain; charset=utf-8",
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
 * hand-written handler because they must refuse a stranger before keeping a byte
 * of the body and then close the socket (src/http/webhook.ts checks the secret and
 * stores the update); everything else goes to the Hono application, with its body
 * already read here under the path's limit. Everything is bounded before anyone is
 * known: bodies while they are read, headers and whole requests in time, connections
 * in number (src/http/connectionGuard.ts), so that nobody can use up the memory or
 * the connections that webhooks, /healthz and the dashboard need.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const forged = new ForgedRequestLog(options.logger);
  const web = getRequestListener(webApplication(options).fetch);
  const fileLimit = openFileLimit();
  const limits = connectionLimits(options.connections ?? DEFAULT_CONNECTIONS, fileLimit);
  if (limits.cappedByFiles) {
    options.logger.warn(
      { connections: limits.total, fileLimit },
      "http: fewer connections than asked, to stay under the open-file limit",
    );
  }
  const guard = new ConnectionGuard(limits, options.logger);
  const server: Server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // Node looks for overdue requests this often (30 s by default, which let a
      // connection that said nothing stay up to 40 s).
      connectionsCheckingInterval: 1000,
    },
    async (req, res) => {
      const socket = req.socket;
      res.once("finish", () => guard.waiting(socket));
      try {
        const path = new URL(req.url ?? "/", "http://localhost").pathname;
        if (!guard.receiving(socket, path)) return refuse(res, BUSY);
        const limit = bodyLimitFor(path);
        const webhook = /^\/webhooks\/([a-z]+)$/.exec(path);
        const adapter =
          webhook && options.adapters.find((a) => a.platform === webhook[1] && a.webhook);
        if (req.method === "POST" && adapter?.webhook) {
          // The secret is in the headers: a stranger's body is never kept in memory.
          if (!webhookSecretOk(adapter, req.headers)) {
            forged.note(adapter.platform);
            return refuse(res, WEBHOOK_UNAUTHORIZED);
          }
          if (announcedTooLarge(req, limit)) return refuse(res, WEBHOOK_TOO_LARGE);
          const read = await readBody(req, limit);
          if (read === "aborted") return;
          if (read === "too large") return refuse(res, WEBHOOK_TOO_LARGE);
          guard.busy(socket);
          const answer = await storeWebhookBody(
            adapter,
            read.body.toString("utf8"),
            options.receive,
          );
          reply(res, answer.status, answer.body);
          return;
        }
        if (announcedTooLarge(req, limit)) return refuse(res, TOO_LARGE);
        if (announcesBody(req)) {
          const read = await readBody(req, limit);
          if (read === "aborted") return;
          if (read === "too large") return refuse(res, TOO_LARGE);
          // @hono/node-server takes a body already read from here (GET and HEAD have none).
          Object.assign(req, { rawBody: read.body });
        }
        guard.busy(socket);
        await web(req, res);
      } catch (error) {
        options.logger.error({ err: error }, "http request failed");
        if (!res.headersSent) reply(res, 500, JSON.stringify({ ok: false }));
      }
    },
  );
  server.on("connection", (socket: Socket) => {
    if (!guard.admit(socket)) socket.destroy();
  });
  // A backstop behind the guard, which refuses at total + reserve itself.
  server.maxConnections = limits.total + limits.reserve + 16;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  options.logger.info({ port, connections: limits }, "http server listening");
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
