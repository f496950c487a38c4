import { type Audience, audienceAllows } from "../../core/commands.ts";
import type { Role } from "../../core/roles.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import type { CampaignSummary } from "../campaigns/service.ts";

/** Who reports for a unit day to day: they are shown how to send evidence first. */
export const sendsEvidence = (role: Role, unitId: number | null) =>
  unitId !== null && (role === "OFFICER" || role === "FOCAL");

/** Whether /report is among the commands this role may run (the guide then names it). */
export const mayReport = (commands: { helpKey: string; audience: Audience }[], role: Role) =>
  commands.some((c) => c.helpKey === "report" && audienceAllows(c.audience, role));

/**
 * How to send evidence for what runs now: each active campaign with its next deadline
 * and its hashtag (the quickest way: a photo captioned with it). Empty when nothing
 * runs. Shown first in an officer's /help and in a newcomer's welcome.
 */
export function evidenceGuide(
  t: Translate,
  campaigns: CampaignSummary[],
  timezone: string,
  now: Date,
  canReport: boolean,
): string[] {
  if (campaigns.length === 0) return [];
  const lines = [t("reports:guide_title")];
  for (const c of campaigns) {
    const next = c.deadlines.find((d) => d.dueAt >= now);
    const deadline = next
      ? t("reports:guide_deadline", { date: formatDateTime(next.dueAt, timezone) })
      : t("reports:guide_no_deadline");
    lines.push(
      c.hashtag
        ? t("reports:guide_tagged", { campaign: c.title, hashtag: c.hashtag, deadline })
        : t("reports:guide_untagged", { campaign: c.title, deadline }),
    );
  }
  if (canReport) lines.push(t("reports:guide_report"));
  return lines;
}
