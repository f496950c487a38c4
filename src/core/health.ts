import type { Logger } from "../logger.ts";
import type { AdapterStatus } from "./port.ts";
import type { Platform } from "./roles.ts";

export interface AdapterHealth {
  state: string;
  lastOkAt: string | null;
  lastError: string | null;
  /** Seconds the platform has been failing without a success in between. */
  failingForSeconds: number;
  /** Optional calls the platform refused, retried later (the bot works without them). */
  optionalFailing?: Record<string, string>;
}

// A token in a URL or a message never reaches /healthz.
const scrub = (text: string) => text.replace(/\d{3,}:[A-Za-z0-9_-]{10,}/g, "[token]").slice(0, 300);

/** What each adapter last said about its platform, for /healthz. */
export class HealthBoard {
  readonly #entries = new Map<
    string,
    {
      state: string;
      lastOkAt: number | null;
      lastError: string | null;
      failingSince: number | null;
      optional?: Map<string, string>;
    }
  >();

  constructor(
    private readonly logger: Logger | null,
    private readonly now: () => number = Date.now,
    /** Called when a platform that was failing answers again (the outbox retries at once). */
    private readonly onRecovered: (platform: Platform) => void = () => {},
  ) {}

  status(platform: Platform): AdapterStatus {
    const entry = {
      state: "starting",
      lastOkAt: null,
      lastError: null,
      failingSince: null,
      optional: new Map<string, string>(),
    } as {
      state: string;
      lastOkAt: number | null;
      lastError: string | null;
      failingSince: number | null;
      optional: Map<string, string>;
    };
    this.#entries.set(platform, entry);
    return {
      state: (state) => {
        entry.state = state;
      },
      ok: () => {
        entry.lastOkAt = this.now();
        if (entry.failingSince !== null) {
          this.logger?.info(
            { platform, failedSeconds: Math.round((this.now() - entry.failingSince) / 1000) },
            "platform answers again",
          );
          entry.failingSince = null;
          this.onRecovered(platform);
        }
      },
      failing: (error) => {
        const message = scrub(error instanceof Error ? error.message : String(error));
        // One warning when a platform starts failing or fails differently; repeats are debug.
        const level = entry.failingSince === null || message !== entry.lastError ? "warn" : "debug";
        this.logger?.[level]({ platform, err: error, state: entry.state }, "platform call failed");
        entry.lastError = message;
        entry.failingSince ??= this.now();
      },
      optional: (call, error) => {
        if (error === null) {
          if (entry.optional.delete(call))
            this.logger?.info({ platform, call }, "optional call done");
          return;
        }
        const message = scrub(error instanceof Error ? error.message : String(error));
        if (entry.optional.get(call) !== message) {
          this.logger?.warn(
            { platform, call, err: error },
            "optional platform call failed; the bot works without it and tries again later",
          );
        }
        entry.optional.set(call, message);
      },
    };
  }

  snapshot(): Record<string, AdapterHealth> {
    const now = this.now();
    return Object.fromEntries(
      [...this.#entries].map(([platform, e]) => [
        platform,
        {
          state:
            e.failingSince !== null && e.state !== "stopped" ? `${e.state} (failing)` : e.state,
          lastOkAt: e.lastOkAt === null ? null : new Date(e.lastOkAt).toISOString(),
          lastError: e.lastError,
          failingForSeconds:
            e.failingSince === null ? 0 : Math.round((now - e.failingSince) / 1000),
          ...(e.optional?.size ? { optionalFailing: Object.fromEntries(e.optional) } : {}),
        },
      ]),
    );
  }
}
