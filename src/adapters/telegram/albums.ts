import type { InboundEvent } from "../../core/inbound.ts";

/**
 * Telegram sends an album as one update per photo, sharing media_group_id, with no
 * count and no end marker. Items are held for a short quiet period and handed on
 * as one event, so the officer gets one acknowledgement, not one per photo.
 */
export class AlbumCollector {
  readonly #open = new Map<string, { event: InboundEvent; timer: NodeJS.Timeout }>();

  constructor(
    private readonly quietMs: number,
    private readonly emit: (event: InboundEvent) => void,
  ) {}

  add(groupId: string, event: InboundEvent): void {
    const key = `${event.chat.platformChatId}:${groupId}`;
    const open = this.#open.get(key);
    if (open) {
      clearTimeout(open.timer);
      if (open.event.payload.type === "media" && event.payload.type === "media") {
        open.event.payload.files.push(...event.payload.files);
        open.event.payload.caption ||= event.payload.caption;
      }
    }
    const merged = open?.event ?? event;
    const timer = setTimeout(() => {
      this.#open.delete(key);
      this.emit(merged);
    }, this.quietMs);
    this.#open.set(key, { event: merged, timer });
  }

  /** Hands on what is waiting now (a clean stop). */
  flush(): void {
    for (const [key, open] of this.#open) {
      clearTimeout(open.timer);
      this.#open.delete(key);
      this.emit(open.event);
    }
  }
}
