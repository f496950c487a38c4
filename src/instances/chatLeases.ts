import type { Logger } from "../logger.ts";
import type { Leases } from "./leases.ts";

/** Long enough for any one update's handling; renewed while the chat is in hand. */
const CHAT_LEASE_MS = 30_000;

/**
 * One instance at a time handles a chat's updates, in order, and gathers its album,
 * wherever the webhooks landed: "chat:<platform>:<chat>" leases, taken for the
 * chats of a pass and given back when their rows are done.
 */
export class ChatLeases {
  readonly #held = new Set<string>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly leases: Leases,
    private readonly logger: Logger,
  ) {}

  /** Answers the chats of `keys` this instance now holds. */
  async hold(keys: string[]): Promise<Set<string>> {
    const asked = keys.filter((k) => !this.#held.has(k));
    const taken = await this.leases.tryHoldAll(
      asked.map((k) => `chat:${k}`),
      CHAT_LEASE_MS,
    );
    const mine = new Set(keys.filter((k) => this.#held.has(k) || taken.has(`chat:${k}`)));
    for (const key of mine) this.#held.add(key);
    if (this.#held.size > 0) this.#renewing();
    return mine;
  }

  async release(keys: string[]): Promise<void> {
    const names = keys.filter((k) => this.#held.delete(k)).map((k) => `chat:${k}`);
    await this.leases.release(names);
  }

  /** A clean stop gives every chat back: another instance (or the next start) takes it at once. */
  async releaseAll(): Promise<void> {
    await this.release([...this.#held]);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #renewing(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#held.size === 0) {
        if (this.#timer) clearInterval(this.#timer);
        this.#timer = null;
        return;
      }
      this.leases
        .renew(
          [...this.#held].map((k) => `chat:${k}`),
          CHAT_LEASE_MS,
        )
        .catch((error: unknown) => this.logger.warn({ err: error }, "chat lease renewal failed"));
    }, CHAT_LEASE_MS / 3);
    this.#timer.unref();
  }
}
