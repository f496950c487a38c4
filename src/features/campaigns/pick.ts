import { commandChoice } from "../../core/commandChoice.ts";
import type { OutboundMessage } from "../../core/outbound.ts";
import type { Translate } from "../../i18n/translator.ts";

/**
 * "Several campaigns are under way, which one?" for a command that works on one
 * (/progress, /export, /remind): each campaign is a choice that runs the command for
 * it, so "2" on a phone or a button answers it.
 */
export function whichCampaign(
  t: Translate,
  command: string,
  campaigns: { id: number; title: string }[],
): OutboundMessage {
  return {
    text: t("progress:which_campaign"),
    choices: campaigns.map((c) => commandChoice(command, String(c.id), c.title)),
  };
}
