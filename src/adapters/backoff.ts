/*
 * How an adapter waits after its platform failed: doubling from one second up to a
 * cap (BACKOFF_CAP_MS), so polling resumes within one cap after the platform is back,
 * and a stop cuts any wait short.
 */
export const BACKOFF_START_MS = 1000;

export class Backoff {
  #next = BACKOFF_START_MS;

  constructor(private readonly capMs: number) {}

  reset(): void {
    this.#next = BACKOFF_START_MS;
  }

  /** Waits the current delay (or until `signal` aborts) and doubles it for next time. */
  async wait(signal: AbortSignal): Promise<number> {
    const ms = this.#next;
    this.#next = Math.min(this.#next * 2, this.capMs);
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    });
    return ms;
  }
}
