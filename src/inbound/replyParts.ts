import type { Capabilities } from "../core/capabilities.ts";
import type { OutboundMessage } from "../core/outbound.ts";
import { splitText } from "../core/splitText.ts";

/**
 * A reply as the sends it takes, so that each is paced, marked sent once it arrived
 * and retried alone: a message's text split at the app's limit (its buttons on the
 * last piece), then each of its documents on its own. The text comes before the
 * documents: it carries their download links, which must arrive even when a document
 * cannot, and a slow document must not hold them back. A photo stays one part with
 * its caption (the adapter splits a caption too long for the app), and so do kept
 * photos, an edit in place and the answer to a button press.
 */
export function replyParts(
  messages: OutboundMessage[],
  capabilities: Capabilities,
): OutboundMessage[] {
  const parts: OutboundMessage[] = [];
  for (const original of messages) {
    // Shown only to whoever pressed: nothing of it goes to the chat.
    if (original.toast !== undefined) {
      parts.push(original);
      continue;
    }
    const { documents, ...message } = original;
    const fits = message.text.length <= capabilities.textLimit;
    if (message.photo || message.photoKey || message.album?.length || (message.replaces && fits))
      parts.push(message);
    else if (message.text || message.choices?.length || message.webApp || message.clearChoicesOf) {
      const pieces = splitText(message.text, capabilities.textLimit);
      // A text split in several messages cannot replace the one it was to edit; the
      // answered prompt loses its buttons before the first piece, the new ones come last.
      const { replaces: _edits, clearChoicesOf, ...last } = message;
      pieces.forEach((text, i) => {
        if (pieces.length === 1) parts.push({ ...message, text });
        else {
          parts.push({
            ...(i === pieces.length - 1 ? last : {}),
            text,
            ...(i === 0 && clearChoicesOf ? { clearChoicesOf } : {}),
          });
        }
      });
    }
    if (!capabilities.documents) continue;
    for (const document of documents ?? []) parts.push({ text: "", documents: [document] });
  }
  return parts;
}
