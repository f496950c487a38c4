import { createHmac } from "node:crypto";
import type { Clock } from "../core/clock.ts";
import { secretMatches } from "./secret.ts";

/**
 * Short-lived signed URLs under one route of the bot's HTTP server: stored images
 * for Zalo (which takes photos only as a public URL it fetches itself) and export
 * files for leads on apps that carry no documents. A link names what it grants and
 * an expiry, signed with HMAC-SHA256 over the route too, so a photo's link never
 * opens a download; nothing is kept in memory, so any instance sharing the key
 * can serve it.
 */
export class SignedLinks {
  constructor(
    /** Where the bot's HTTP server is reached (asked each time: it may be known late). */
    private readonly baseUrl: () => string,
    private readonly route: "media" | "downloads",
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly secret: string | Uint8Array,
  ) {}

  url(name: string): string {
    const expires = this.clock.now().getTime() + this.ttlMs;
    const payload = `${Buffer.from(name).toString("base64url")}.${expires}`;
    return `${this.baseUrl().replace(/\/$/, "")}/${this.route}/${payload}.${this.#sign(payload)}`;
  }

  /** When a link made now stops working. */
  expiresAt(): Date {
    return new Date(this.clock.now().getTime() + this.ttlMs);
  }

  /** The name a token grants, or null when it is forged or expired. */
  verify(token: string): string | null {
    const [name, expires, signature] = token.split(".");
    if (!name || !expires || !signature) return null;
    if (!secretMatches(signature, this.#sign(`${name}.${expires}`))) return null;
    if (Number(expires) < this.clock.now().getTime()) return null;
    return Buffer.from(name, "base64url").toString("utf8");
  }

  #sign(payload: string): string {
    return createHmac("sha256", this.secret).update(`${this.route}:${payload}`).digest("base64url");
  }
}
