import type { Translate } from "../i18n/translator.ts";
import type { OutboundMessage } from "./outbound.ts";

/**
 * For platforms without buttons: the choices become numbered lines and a hint, so
 * the user answers "2" (or the option's text), which the router maps back.
 */
export function withNumberedChoices(message: OutboundMessage, t: Translate): OutboundMessage {
  const choices = message.choices;
  if (!choices || choices.length === 0) return message;
  const lines = choices.map((c, i) => `${i + 1}. ${c.label}`);
  const numbers = choices.map((_, i) => String(i + 1));
  const list =
    numbers.length === 1
      ? "1"
      : `${numbers.slice(0, -1).join(", ")} ${t("common:or")} ${numbers.at(-1)}`;
  return {
    ...message,
    text: [message.text, "", ...lines, t("common:choice_hint", { numbers: list })].join("\n"),
  };
}
