import type { Platform } from "../core/roles.ts";

/**
 * What wakes delivery and what delivery tells the rest of the bot. The composition
 * root subscribes once, when it wires the parts; the emitters never know who listens,
 * so the sender calls no feature and no feature calls the sender.
 */
export interface DeliveryEventMap {
  /** Work was committed to the outbox: an idle sender wakes now rather than at its next poll. */
  queued: [];
  /** A delivery of an announcement reached its chat or ended for good. */
  settled: [announcementId: number];
  /** A chat blocked the bot (or is gone): it stops counting as reachable. */
  blocked: [platform: string, platformChatId: string];
  /** Every few seconds while the sender runs (announcements a dead process left unfinished). */
  tick: [];
  /** A platform that was failing answers again: deliveries waiting out the outage go now. */
  platformBack: [platform: Platform];
}

type Listener<A extends unknown[]> = (...args: A) => void | Promise<void>;

export class DeliveryEvents {
  // One list per event; `on` and `emit` keep each list's arguments to its event's.
  readonly #listeners = new Map<keyof DeliveryEventMap, Listener<never[]>[]>();

  /** Subscribes; the returned function unsubscribes. */
  on<K extends keyof DeliveryEventMap>(
    name: K,
    listener: Listener<DeliveryEventMap[K]>,
  ): () => void {
    const list = this.#listeners.get(name) ?? [];
    this.#listeners.set(name, list);
    const stored = listener as Listener<never[]>;
    list.push(stored);
    return () => {
      const at = list.indexOf(stored);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /** Calls every listener; resolves when the asynchronous ones are done, rejects if one fails. */
  async emit<K extends keyof DeliveryEventMap>(
    name: K,
    ...args: DeliveryEventMap[K]
  ): Promise<void> {
    const list = (this.#listeners.get(name) ?? []) as Listener<DeliveryEventMap[K]>[];
    await Promise.all(list.map(async (listener) => listener(...args)));
  }
}
