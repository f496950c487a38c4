import type { IncomingMessage } from "node:http";

/** A platform's update: Telegram's largest are well under this. */
export const WEBHOOK_BODY_BYTES = 1024 * 1024;
/** Signing in sends a token or Telegram's initData: a few hundred bytes. */
export const SIGN_IN_BODY_BYTES = 8 * 1024;
/** The dashboard's forms (a review's reasons and points, an invite). */
export const FORM_BODY_BYTES = 64 * 1024;

/** The largest body a path takes; the sign-in routes, open to anyone, take the least. */
export function bodyLimitFor(path: string): number {
  if (/^\/webhooks\/[a-z]+$/.test(path)) return WEBHOOK_BODY_BYTES;
  if (path === "/web/telegram/login" || path.startsWith("/web/login/")) return SIGN_IN_BODY_BYTES;
  return FORM_BODY_BYTES;
}

/** Whether the request announces a body at all (a length, or chunks). */
export const announcesBody = (req: IncomingMessage) =>
  req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;

/** A length announced past the limit: refused before a byte is read. */
export const announcedTooLarge = (req: IncomingMessage, limit: number) =>
  Number(req.headers["content-length"] ?? 0) > limit;

export type BodyRead = { body: Buffer } | "too large" | "aborted";

/**
 * The body, counted as it arrives: "too large" the moment it passes `limit` (nothing
 * more is kept; the caller answers 413 and closes), "aborted" when the client went
 * away or its connection gave way to another (nothing to answer, nothing to log).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      req.off("data", onData);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        settle("too large");
      } else chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => {
      if (!settled) {
        settled = true;
        resolve({ body: Buffer.concat(chunks, size) });
      }
    });
    req.on("error", () => settle("aborted"));
    req.on("close", () => {
      if (!req.complete) settle("aborted");
    });
  });
}
