/** Time as services see it; tests move it without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock a test sets and advances by hand. `follow()` makes it run on from where
 * it stands at real speed, for tests where real timers (retries, limits) matter.
 */
export class ManualClock implements Clock {
  #now: Date;
  #followingSince: number | null = null;
  constructor(start: Date | string) {
    this.#now = new Date(start);
  }
  now(): Date {
    const drift = this.#followingSince === null ? 0 : Date.now() - this.#followingSince;
    return new Date(this.#now.getTime() + drift);
  }
  set(at: Date | string): void {
    this.#now = new Date(at);
    if (this.#followingSince !== null) this.#followingSince = Date.now();
  }
  advance(ms: number): void {
    this.set(new Date(this.now().getTime() + ms));
  }
  follow(): void {
    this.#now = this.now();
    this.#followingSince = Date.now();
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
