import type { Capabilities } from "../core/capabilities.ts";

/**
 * Whether the links the bot makes (dashboard, downloads, photos for Zalo) reach the
 * people it talks to. Without PUBLIC_BASE_URL they point at this machine's own
 * address (127.0.0.1), which opens only on this machine; a platform that fetches
 * photos by URL gets none. The answers come from the platforms' capabilities, so a
 * new platform needs no change here.
 */
export class PublicAddress {
  /** What the bot sends through, per platform (the sender's transports). */
  readonly #served = new Map<string, Capabilities>();

  constructor(
    readonly isPublic: boolean,
    /** The address links are made from when there is no public one. */
    private readonly localAddress: () => string,
  ) {}

  /** The platforms the bot sends through; called when the sender is built. */
  serve(transports: { platform: string; capabilities: Capabilities }[]): void {
    for (const t of transports) this.#served.set(t.platform, t.capabilities);
  }

  /** Whether a link reaches someone reading on a platform with these capabilities. */
  linksReach(capabilities: Capabilities): boolean {
    return this.isPublic || capabilities.onThisMachine === true;
  }

  /** The served platforms whose recipients get an announcement's text without its photo. */
  photoless(): string[] {
    if (this.isPublic) return [];
    return [...this.#served].filter(([, c]) => c.photosByUrl).map(([platform]) => platform);
  }

  /** What the operator is told at start and in /healthz (English, as the CLI). */
  warnings(): string[] {
    const remote = [...this.#served].filter(([, c]) => !c.onThisMachine).map(([p]) => p);
    if (this.isPublic || remote.length === 0) return [];
    const photoless = this.photoless();
    return [
      `PUBLIC_BASE_URL is not set: links sent on ${remote.join(", ")} (/web, /export) point at ${this.localAddress()}, which opens only on this machine` +
        (photoless.length > 0
          ? `; ${photoless.join(", ")} fetches photos by URL, so announcements reach it as text only`
          : ""),
    ];
  }
}
