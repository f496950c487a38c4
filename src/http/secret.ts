import { createHash, timingSafeEqual } from "node:crypto";

/** Compares a received secret with the expected one in constant time. */
export function secretMatches(received: string | string[] | undefined, expected: string): boolean {
  if (typeof received !== "string") return false;
  // Hashing first gives equal lengths, so the comparison leaks neither length nor content.
  const a = createHash("sha256").update(received).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
