import { sleepUnless } from "../core/sleep.ts";
import type { Logger } from "../logger.ts";
import type { Leases } from "./leases.ts";

/**
 * Long polling by one instance per platform at a time. The poller holds the lease
 * "poll:<platform>" for POLL_LEASE_MS and renews it every third of that; it stops
 * polling (aborts its request) STOP_MARGIN_MS before the lease could run out
 * unrenewed, so when another instance takes the lease over the first has stopped:
 * never two polls at once. A killed poller's lease runs out and a standby instance,
 * trying every RETRY_MS, polls within POLL_LEASE_MS + RETRY_MS (17 s).
 */
export const POLL_LEASE_MS = 15_000;
const STOP_MARGIN_MS = 4_000;
const RETRY_MS = 2_000;

export function pollTurns(leases: Leases, logger: Logger, now: () => number = Date.now) {
  return async (platform: string, signal: AbortSignal): Promise<AbortSignal> => {
    const name = `poll:${platform}`;
    while (!(await leases.tryHold(name, POLL_LEASE_MS).catch(() => false))) {
      await sleepUnless(RETRY_MS, signal);
      if (signal.aborted) return signal;
    }
    logger.info({ platform, instance: leases.holder }, "this instance polls");
    const turn = new AbortController();
    let validUntil = now() + POLL_LEASE_MS - STOP_MARGIN_MS;
    const end = (reason: string) => {
      if (turn.signal.aborted) return;
      clearInterval(renewal);
      clearTimeout(deadline);
      turn.abort();
      logger.warn({ platform, reason }, "polling handed over");
    };
    let deadline = setTimeout(() => end("lease not renewed in time"), validUntil - now());
    const renewal = setInterval(() => {
      const asked = now();
      leases
        .renew([name], POLL_LEASE_MS)
        .then((held) => {
          if (held === 0) return end("lease taken by another instance");
          validUntil = asked + POLL_LEASE_MS - STOP_MARGIN_MS;
          clearTimeout(deadline);
          deadline = setTimeout(() => end("lease not renewed in time"), validUntil - now());
        })
        .catch((error: unknown) =>
          logger.warn({ err: error, platform }, "poll lease renewal failed"),
        );
    }, POLL_LEASE_MS / 3);
    signal.addEventListener(
      "abort",
      () => {
        clearInterval(renewal);
        clearTimeout(deadline);
        turn.abort();
        // A clean stop hands the turn over at once.
        void leases.release([name]).catch(() => {});
      },
      { once: true },
    );
    return turn.signal;
  };
}
