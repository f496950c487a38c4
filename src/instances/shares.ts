/**
 * What a share is asked for: the overall limit for a send about to be made ("send",
 * which counts as demand), one chat's limits ("chat"), or the overall limit merely
 * looked at (undefined: a sender sizing its batch).
 */
export type ShareUse = "send" | "chat";

/**
 * An instance that sends no more than a trickle (a few replies) keeps this much of
 * an equal weight: enough for its replies (with two others busy, 0.07 of the limit,
 * two a second on Telegram), and the rest flows to the instances that are sending.
 * One that needs more becomes busy at its next heartbeat.
 */
export const IDLE_WEIGHT = 0.15;

/**
 * How the instances alive divide one bot's platform limits: the busy ones (sending
 * more than a trickle) equal parts of most of it, the idle ones a small part each.
 * The parts sum to the whole, so together they never exceed the platform's limit.
 * With none busy, equal parts (whoever starts sending first is not starved).
 */
export function divideLimit(alive: string[], busy: ReadonlySet<string>): Map<string, number> {
  const anyBusy = alive.some((id) => busy.has(id));
  const weight = (id: string) => (!anyBusy || busy.has(id) ? 1 : IDLE_WEIGHT);
  const total = alive.reduce((sum, id) => sum + weight(id), 0);
  return new Map(alive.map((id) => [id, weight(id) / total]));
}
