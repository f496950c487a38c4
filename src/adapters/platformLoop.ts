import type { AdapterStatus } from "../core/port.ts";
import { sleepUnless } from "../core/sleep.ts";

/*
 * What every platform adapter does with its platform, in one place: connect (and keep
 * trying while the platform is unreachable), then, in polling mode, poll for ever. A
 * failure waits a back-off that doubles from one second up to a cap, so polling
 * resumes within one cap after the platform is back, and a stop cuts any wait short.
 */

export interface PlatformLoop {
  /** The calls that set the platform up (who am I, webhook set or removed). */
  connect(signal: AbortSignal): Promise<void>;
  /** One long poll, handing over what it got; absent in webhook mode. */
  pollOnce?: (signal: AbortSignal) => Promise<void>;
  /** What the operator should read for a failure (a 409 explained, say). */
  explain?: (error: unknown) => unknown;
}

export async function runPlatformLoop(
  loop: PlatformLoop,
  options: {
    status: AdapterStatus;
    signal: AbortSignal;
    capMs: number;
    webhook: boolean;
    /** Several instances: wait for this one's turn to poll (AdapterPort.pollTurn). */
    pollTurn: (signal: AbortSignal) => Promise<AbortSignal>;
    /**
     * A call still unanswered after this long is reported as failing while it hangs
     * (/healthz sees silence, not only errors); it is the call's own timeout that ends it.
     */
    hangMs?: number;
  },
): Promise<void> {
  const { status, signal } = options;
  let backoffMs = 1000;
  const attempt = async (
    call: (signal: AbortSignal) => Promise<void>,
    within: AbortSignal = signal,
  ): Promise<boolean> => {
    const hangMs = options.hangMs ?? 90_000;
    const watchdog = setTimeout(
      () => status.failing(new Error(`no answer from the platform for ${hangMs / 1000} s`)),
      hangMs,
    );
    watchdog.unref?.();
    try {
      await call(within);
      clearTimeout(watchdog);
      status.ok();
      backoffMs = 1000;
      return true;
    } catch (error) {
      clearTimeout(watchdog);
      if (within.aborted) return false;
      status.failing(loop.explain ? loop.explain(error) : error);
      await sleepUnless(backoffMs, within);
      backoffMs = Math.min(backoffMs * 2, options.capMs);
      return false;
    }
  };
  status.state("starting");
  while (!signal.aborted && !(await attempt((s) => loop.connect(s)))) {}
  if (signal.aborted) return;
  const { pollOnce } = loop;
  if (!pollOnce) {
    status.state("webhook");
    return;
  }
  while (!signal.aborted) {
    status.state("standby");
    let turn: AbortSignal;
    try {
      turn = await options.pollTurn(signal);
    } catch (error) {
      if (signal.aborted) return;
      status.failing(error);
      await sleepUnless(backoffMs, signal);
      continue;
    }
    status.state("polling");
    while (!turn.aborted) await attempt(pollOnce, turn);
  }
}
