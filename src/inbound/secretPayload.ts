/*
 * An update that answered a secret step (a ballot) keeps its row, which the pipeline
 * needs to answer it and to recognise a repeat, but not what the person said: every
 * text the platform carried (the message, a button's data, a caption) is emptied.
 * The routing fields (chat, sender, message ids) stay, so the stored replies still go out.
 */

const SAID = new Set(["text", "data", "caption", "args", "choiceId", "game_short_name", "query"]);

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      SAID.has(key) && typeof inner === "string" ? "" : scrub(inner),
    ]),
  );
}

/** The stored raw update without anything the person said. */
export function secretPayload(payload: string): string {
  try {
    return JSON.stringify(scrub(JSON.parse(payload)));
  } catch {
    return "{}";
  }
}
