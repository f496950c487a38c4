import { createHmac, randomBytes } from "node:crypto";
import type { Clock } from "../core/clock.ts";
import { secretMatches } from "./secret.ts";

/**
 * Short-lived signed URLs for stored images, because Zalo takes photos only as a
 * public URL it fetches itself. A link names a storage key and an expiry, signed
 * with HMAC-SHA256; nothing is kept in memory, so any instance sharing the secret
 * can serve it.
 */
export class MediaLinks {
  readonly #secret: string;

  constructor(
    private readonly publicBaseUrl: string,
    private readonly ttlMs: number,
    private readonly clock: Clock,
    secret?: string,
  ) {
    this.#secret = secret ?? randomBytes(32).toString("hex");
  }

  url(storageKey: string): string {
    const expires = this.clock.now().getTime() + this.ttlMs;
    const payload = `${Buffer.from(storageKey).toString("base64url")}.${expires}`;
    return `${this.publicBaseUrl.replace(/\/$/, "")}/media/${payload}.${this.#sign(payload)}`;
  }

  /** The storage key a token grants, or null when it is forged or expired. */
  verify(token: string): string | null {
    const [key, expires, signature] = token.split(".");
    if (!key || !expires || !signature) return null;
    if (!secretMatches(signature, this.#sign(`${key}.${expires}`))) return null;
    if (Number(expires) < this.clock.now().getTime()) return null;
    return Buffer.from(key, "base64url").toString("utf8");
  }

  #sign(payload: string): string {
    return createHmac("sha256", this.#secret).update(payload).digest("base64url");
  }
}
