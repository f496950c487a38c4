import { createHmac, timingSafeEqual } from "node:crypto";

const CLOCK_SKEW_MS = 5_000;

/**
 * Checks a Telegram Mini App's `initData` as Telegram documents it: the secret is
 * HMAC-SHA-256 of the bot token keyed with "WebAppData"; the hash is HMAC-SHA-256,
 * with that secret, of every other field as "key=value" lines in key order. A
 * signature older than `maxAgeMs`, or dated ahead of this machine's clock (beyond the
 * few seconds two synchronised clocks may differ by), is refused too: a date from the
 * future would stretch how long it is trusted. Answers the Telegram user id.
 */
export function verifyInitData(
  initData: string,
  botToken: string,
  now: Date,
  maxAgeMs: number,
): { userId: string } | null {
  const params = new URLSearchParams(initData);
  const hash = params.get("hash");
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return null;
  params.delete("hash");
  const dataCheck = [...params]
    .map(([key, value]) => `${key}=${value}`)
    .sort()
    .join("\n");
  const secret = createHmac("sha256", "WebAppData").update(botToken).digest();
  const expected = createHmac("sha256", secret).update(dataCheck).digest();
  if (!timingSafeEqual(expected, Buffer.from(hash, "hex"))) return null;
  const authDate = Number(params.get("auth_date"));
  if (!Number.isFinite(authDate)) return null;
  const age = now.getTime() - authDate * 1000;
  if (age > maxAgeMs || age < -CLOCK_SKEW_MS) return null;
  try {
    const user = JSON.parse(params.get("user") ?? "null") as { id?: unknown } | null;
    return typeof user?.id === "number" ? { userId: String(user.id) } : null;
  } catch {
    return null;
  }
}

/** Signs initData the way Telegram does (for the tests' fake Telegram client). */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const dataCheck = Object.entries(fields)
    .map(([key, value]) => `${key}=${value}`)
    .sort()
    .join("\n");
  const secret = createHmac("sha256", "WebAppData").update(botToken).digest();
  const hash = createHmac("sha256", secret).update(dataCheck).digest("hex");
  return new URLSearchParams({ ...fields, hash }).toString();
}
