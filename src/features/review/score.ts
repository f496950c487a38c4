import type { Translate } from "../../i18n/translator.ts";
import { formatScore } from "../campaigns/criteria.ts";

/*
 * The one scoring rule of the bloc. Every total a person reads — the reviewer's
 * answer, the unit's self-score summary, the notices, /ranking, the ranking page,
 * the results sheet, `admin ranking --json` — comes from `weightedTotal` and is
 * worded by `describeTotal`, so the same report never shows two figures.
 */

/** A criterion with a scale: the most points it gives and how much it weighs. */
export interface ScaledCriterion {
  id: number;
  maxScore: number;
  weight: number;
}

export interface WeightedTotal {
  /** Σ points × weight (a criterion without points counts 0). */
  points: number;
  /** Σ maxScore × weight: the most there is. */
  max: number;
  /** points as a share of max, 0…100, two decimals. */
  percent: number;
  /** Some criterion weighs other than 1 (the figure is not a plain sum). */
  weighted: boolean;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

/** `points` by criterion id (numbers or their strings, as forms keep them). */
export function weightedTotal(
  scale: readonly ScaledCriterion[],
  points: ReadonlyMap<number, number> | Readonly<Record<string, number>>,
): WeightedTotal {
  const pointsOf = (id: number) =>
    points instanceof Map
      ? (points.get(id) ?? 0)
      : ((points as Record<string, number>)[String(id)] ?? 0);
  const sum = scale.reduce((s, c) => s + pointsOf(c.id) * c.weight, 0);
  const max = scale.reduce((s, c) => s + c.maxScore * c.weight, 0);
  return {
    points: round2(sum),
    max: round2(max),
    percent: max > 0 ? round2((sum / max) * 100) : 0,
    weighted: scale.some((c) => c.weight !== 1),
  };
}

/** "50,5/60 điểm (84,2 %), đã tính hệ số" — the words for a total, in the reader's language. */
export function describeTotal(
  t: Translate,
  total: Pick<WeightedTotal, "points" | "max" | "percent" | "weighted">,
) {
  return t(total.weighted ? "review:total_weighted" : "review:total_plain", {
    points: formatScore(total.points),
    max: formatScore(total.max),
    percent: formatScore(total.percent),
  });
}

/** Each criterion's points as "Title: 8/10 (hệ số 2)", one per line. */
export function describeCriteria(
  t: Translate,
  criteria: readonly (ScaledCriterion & { title: string; points: number | null })[],
): string[] {
  return criteria.map((c) =>
    t(c.weight === 1 ? "review:criterion_points" : "review:criterion_points_weighted", {
      title: c.title,
      points: c.points === null ? "—" : formatScore(c.points),
      max: formatScore(c.maxScore),
      weight: formatScore(c.weight),
    }),
  );
}
