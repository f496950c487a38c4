/*
 * Whether a failure came from the platform or the network being unreachable (no
 * answer at all), rather than from the update itself or the handler: such a failure
 * is waited out, as deliveries wait out an outage, instead of being given up after
 * a few minutes of tries.
 */

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
  // A database that does not answer (PostgreSQL down, a cut): not the update's fault.
  "P1001",
  "P1002",
  "P1017",
  "57P01",
  "57P03",
]);

const NETWORK_WORDS =
  /fetch failed|socket hang up|other side closed|network (?:error|request failed)|connection (?:refused|reset|terminated)|timed? ?out/i;

/** Follows an error's causes (`cause`, grammY's `error`, our wrappers' `original`). */
function* chain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && !seen.has(current)) {
    seen.add(current);
    yield current;
    const e = current as { cause?: unknown; error?: unknown; original?: unknown };
    current = e.cause ?? e.original ?? e.error;
  }
}

export function isOutage(error: unknown): boolean {
  for (const link of chain(error)) {
    if (!(link instanceof Error)) continue;
    const { code, name } = link as Error & { code?: unknown };
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    // grammY's HttpError is a call that got no answer from Telegram at all.
    if (name === "HttpError" || name === "AbortError" || name === "TimeoutError") return true;
    if (NETWORK_WORDS.test(link.message)) return true;
  }
  return false;
}
