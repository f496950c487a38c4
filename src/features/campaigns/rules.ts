import { fold } from "../../core/answerText.ts";
import { AppError } from "../../core/errors.ts";
import type { Translate } from "../../i18n/translator.ts";
import { type LateRule, parseScore, type Thresholds } from "./criteria.ts";

/*
 * A campaign's late rule and xếp loại thresholds as a lead types them in chat or on the
 * dashboard. Stricter than a campaign file: what a person types is checked as typed
 * (highest class first), never silently reordered.
 */

/** 0,25 stays 0,25 (formatScore would round it to 0,3): a rule is shown as it was set. */
export const formatRuleNumber = (n: number) => String(Math.round(n * 100) / 100).replace(".", ",");

/** More than this per day late would wipe any scale in a day: surely a typo. */
export const MAX_LATE_POINTS = 100;

/** "1", "0,5", "2 điểm": the points a day late costs; anything else is refused. */
export function parseLatePoints(text: string): number {
  const points = parseScore(text);
  if (points === null || !(points > 0) || points > MAX_LATE_POINTS) {
    throw new AppError("late_points_invalid", { input: text.trim().slice(0, 40) });
  }
  return points;
}

export type LateRuleKind = "none" | "deduct" | "ineligible";

export const lateRuleKind = (rule: LateRule): LateRuleKind =>
  rule.startsWith("deduct:") ? "deduct" : (rule as LateRuleKind);

export const latePointsOf = (rule: LateRule): number | null =>
  rule.startsWith("deduct:") ? Number(rule.slice("deduct:".length)) : null;

/** The stored rule, checked the way a person's answer is (no negative, no text, no zero). */
export function checkLateRule(rule: string): LateRule {
  if (rule === "none" || rule === "ineligible") return rule;
  const points = /^deduct:(.*)$/.exec(rule)?.[1];
  if (points !== undefined) return `deduct:${parseLatePoints(points)}`;
  throw new AppError("late_points_invalid", { input: rule.slice(0, 40) });
}

/** "Trừ 1 điểm cho mỗi ngày trễ", … in the reader's language. */
export function describeLateRule(t: Translate, rule: LateRule): string {
  const points = latePointsOf(rule);
  return points === null
    ? t(`campaigns:late_rule.${lateRuleKind(rule)}`)
    : t("campaigns:late_rule.deduct", { points: formatRuleNumber(points) });
}

/**
 * "Xuất sắc:90, Tốt:70, Hoàn thành:50, Không hoàn thành:0", one per line also, "≥" for
 * ":" and a "%" allowed. A comma before a digit is a decimal one ("Tốt:70,5").
 */
export function parseThresholdsText(text: string): Thresholds {
  const parts = text
    .split(/\n|;|,(?!\d)/)
    .map((p) => p.trim())
    .filter(Boolean);
  const list = parts.map((part) => {
    const match = /^(.+?)\s*(?::|≥|>=)\s*(-?\d{1,4}(?:[.,]\d{1,2})?)\s*%?$/u.exec(part);
    if (!match) throw new AppError("thresholds_format", { part: part.slice(0, 60) });
    return { label: (match[1] ?? "").trim(), min: Number((match[2] ?? "").replace(",", ".")) };
  });
  return checkThresholds(list);
}

/**
 * Classes from the highest down: each minimum a percentage lower than the one before,
 * the last 0 (so every result has a class), labels distinct, at most 8.
 */
export function checkThresholds(list: { label: string; min: number }[]): Thresholds {
  if (list.length === 0 || list.length > 8) {
    throw new AppError("thresholds_count");
  }
  const seen = new Set<string>();
  list.forEach(({ label, min }, i) => {
    if (label.trim().length === 0 || label.length > 60) {
      throw new AppError("thresholds_format", { part: label.slice(0, 60) });
    }
    if (!Number.isFinite(min) || min < 0 || min > 100) {
      throw new AppError("thresholds_range", { label, min: formatRuleNumber(min) });
    }
    const before = list[i - 1];
    if (before && min >= before.min) {
      throw new AppError("thresholds_order", {
        label,
        min: formatRuleNumber(min),
        previous: before.label,
        previousMin: formatRuleNumber(before.min),
      });
    }
    if (seen.has(fold(label))) throw new AppError("thresholds_duplicate", { label });
    seen.add(fold(label));
  });
  const last = list.at(-1);
  if (last && last.min !== 0) throw new AppError("thresholds_floor", { label: last.label });
  return list.map(({ label, min }) => ({ label: label.trim(), min }));
}

/** "Xuất sắc ≥ 90 %, Tốt ≥ 70 %, …": how thresholds are shown. */
export const formatThresholds = (list: Thresholds) =>
  list.map((x) => `${x.label} ≥ ${formatRuleNumber(x.min)} %`).join(", ");

/** The same thresholds as a lead types them, to start editing from. */
export const thresholdsText = (list: Thresholds) =>
  list.map((x) => `${x.label}:${formatRuleNumber(x.min)}`).join(", ");

export const sameThresholds = (a: Thresholds | null, b: Thresholds | null) =>
  JSON.stringify(a) === JSON.stringify(b);
