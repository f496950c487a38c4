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
    text: [
      withoutButtons(message.text, choices, t),
      "",
      ...lines,
      t("common:choice_hint", { numbers: list }),
    ].join("\n"),
  };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Prompts are written for buttons ("bấm Xong", "tap Done"); where there are none,
 * they say what to type: "trả lời 1 (Xong)", or at least "trả lời" instead of "bấm".
 */
function withoutButtons(text: string, choices: { label: string }[], t: Translate): string {
  let out = text;
  for (const [i, choice] of choices.entries()) {
    const pressed = new RegExp(`\\b(bấm|tap) ${escapeRegex(choice.label)}`, "giu");
    out = out.replace(pressed, t("common:answer_number", { number: i + 1, label: choice.label }));
  }
  return out.replace(/bấm/g, t("common:answer_word")).replace(/\btap\b/g, t("common:answer_word"));
}
