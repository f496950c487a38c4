import { formatDate, formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import {
  criterionLine,
  describeCriterion,
  type LateRule,
  parseCriterionLine,
  type Thresholds,
} from "./criteria.ts";
import { describeLateRule, formatThresholds } from "./rules.ts";
import type { CampaignSummary } from "./service.ts";

/* A campaign as the guided form holds it, and as it reads in any language. */

export interface FormData {
  title?: string;
  description?: string;
  startsAt?: string;
  endsAt?: string;
  criteria?: string[];
  deadlines?: string[];
  hashtag?: string | null;
  lateRule?: LateRule;
  /** The campaign's own classes; null or unset: the bloc's. */
  thresholds?: Thresholds | null;
  /** Set when the lead came from the summary to change one field. */
  editing?: boolean;
}

export const isScored = (data: FormData) =>
  (data.criteria ?? []).some((line) => parseCriterionLine(line).maxScore !== null);

/** How late reports count and the classes, for a scored campaign; unscored: nothing. */
function rulesLines(t: Translate, data: FormData, blocThresholds?: Thresholds): string[] {
  if (!isScored(data)) return [];
  const lines = [t("campaigns:line_late", { rule: describeLateRule(t, data.lateRule ?? "none") })];
  if (data.thresholds) {
    lines.push(t("campaigns:line_thresholds", { classes: formatThresholds(data.thresholds) }));
  } else if (blocThresholds) {
    lines.push(t("campaigns:line_thresholds_bloc", { classes: formatThresholds(blocThresholds) }));
  }
  return lines;
}

/**
 * A criterion as officers read it, "Trụ sở sạch đẹp (10 điểm, hệ số 2)", whatever
 * syntax the lead typed it in ("| 10 | 2" is for typing, not for reading).
 */
function readableCriterion(t: Translate, line: string): string {
  return describeCriterion(t, parseCriterionLine(line));
}

/** The same description in any language (an announcement reaches each member in theirs). */
export function describeDraftIn(
  t: Translate,
  tz: string,
  data: FormData,
  blocThresholds?: Thresholds,
): string {
  const date = (iso?: string) => (iso ? formatDate(new Date(iso), tz) : "—");
  const lines = [
    `📌 ${data.title ?? "—"}`,
    data.description ? data.description : null,
    t("campaigns:line_period", { start: date(data.startsAt), end: date(data.endsAt) }),
    data.criteria?.length
      ? `${t("campaigns:line_criteria")}\n${data.criteria.map((c, i) => `  ${i + 1}. ${readableCriterion(t, c)}`).join("\n")}`
      : null,
    ...rulesLines(t, data, blocThresholds),
    `${t("campaigns:line_deadlines")} ${(data.deadlines ?? [])
      .map((d) => formatDateTime(new Date(d), tz))
      .join("; ")}`,
    data.hashtag ? t("campaigns:line_hashtag", { hashtag: data.hashtag }) : null,
  ];
  return lines.filter((l) => l !== null).join("\n");
}

/** A saved campaign as the form holds it (to describe or announce it). */
export function draftOf(c: CampaignSummary): FormData {
  return {
    title: c.title,
    description: c.description,
    startsAt: c.startsAt.toISOString(),
    endsAt: c.endsAt.toISOString(),
    criteria: c.criteriaScale.map(criterionLine),
    deadlines: c.deadlines.map((d) => d.dueAt.toISOString()),
    hashtag: c.hashtag,
    lateRule: c.lateRule,
    thresholds: c.thresholds,
  };
}
