import { createHash, createHmac, randomInt } from "node:crypto";

/** No 0/O, 1/I/L: letters an officer can read off a poster and type on a phone. */
export const INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const INVITE_LENGTH = 8;

/** A fresh code, e.g. "K7QM3XPA" (shown as "K7QM-3XPA"). */
export function generateInviteCode(): string {
  let code = "";
  for (let i = 0; i < INVITE_LENGTH; i++)
    code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
  return code;
}

/** What the user typed, without spaces, dashes or case; null when it cannot be a code. */
export function normalizeInviteCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, "").toUpperCase();
  if (code.length !== INVITE_LENGTH) return null;
  return [...code].every((c) => INVITE_ALPHABET.includes(c)) ? code : null;
}

/**
 * How a code is stored: HMAC-SHA-256 under the server's key, so a copy of the
 * database alone does not let anyone try the 31^8 codes offline.
 */
export function hashInviteCode(normalized: string, key: Uint8Array): string {
  return createHmac("sha256", key).update(`thidua-invite:${normalized}`).digest("hex");
}

/** How codes issued before the key existed were stored; still accepted until they expire. */
export function legacyInviteHash(normalized: string): string {
  return createHash("sha256").update(`thidua-invite:${normalized}`).digest("hex");
}

export function displayInviteCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
