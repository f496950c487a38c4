import { z } from "zod";
import { decimalAnswer } from "../../core/answerText.ts";
import type { StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import type { Translate } from "../../i18n/translator.ts";

/** tiêu chí with its thang điểm: the most points it gives (null: not scored) and its weight. */
export interface CriterionInput {
  title: string;
  maxScore: number | null;
  weight: number;
}

/**
 * A criterion as people write it in the chat form or a file line: "Trụ sở sạch sẽ",
 * "Trụ sở sạch sẽ | 10", "Trụ sở sạch sẽ (10 điểm)", "Trụ sở sạch sẽ | 10 | 2" (weight).
 */
export function parseCriterionLine(line: string): CriterionInput {
  const text = line.trim();
  const piped = /^(.+?)\s*\|\s*(\d+(?:[.,]\d+)?)\s*(?:\|\s*(\d+(?:[.,]\d+)?))?\s*$/u.exec(text);
  if (piped) {
    return {
      title: (piped[1] ?? "").trim(),
      maxScore: number(piped[2]),
      weight: piped[3] ? number(piped[3]) : 1,
    };
  }
  const bracketed = /^(.+?)\s*\(\s*(\d+(?:[.,]\d+)?)\s*(?:điểm|diem|đ|d)?\s*\)\s*$/iu.exec(text);
  if (bracketed) {
    return { title: (bracketed[1] ?? "").trim(), maxScore: number(bracketed[2]), weight: 1 };
  }
  return { title: text, maxScore: null, weight: 1 };
}

const number = (s: string | undefined) => Number((s ?? "0").replace(",", "."));

/** The line that reads back as the same criterion (for editing a campaign). */
export function criterionLine(c: CriterionInput): string {
  if (c.maxScore === null) return c.title;
  return c.weight === 1 ? `${c.title} | ${c.maxScore}` : `${c.title} | ${c.maxScore} | ${c.weight}`;
}

/** A criterion in a draft: a line, or {title, maxScore, weight} from a file. */
export const criterionSchema = z.preprocess(
  (value) => (typeof value === "string" ? parseCriterionLine(value) : value),
  z.object({
    title: z.string().trim().min(1).max(500),
    maxScore: z.number().positive().max(1000).nullable().default(null),
    weight: z.number().positive().max(100).default(1),
  }),
);

/** Late reports: nothing, points off per day late, or out of the ranking. */
export const lateRuleSchema = z.union([
  z.literal("none"),
  z.literal("ineligible"),
  z
    .string()
    .regex(/^deduct:\d+(\.\d+)?$/, 'late rule: "none", "ineligible" or "deduct:<points per day>"'),
]);
export type LateRule = z.infer<typeof lateRuleSchema>;

/** xếp loại: a class from the lowest percentage that earns it, highest first. */
export const thresholdsSchema = z
  .array(z.object({ label: z.string().trim().min(1).max(60), min: z.number().min(0).max(100) }))
  .min(1)
  .max(8)
  .transform((list) => [...list].sort((a, b) => b.min - a.min));
export type Thresholds = z.infer<typeof thresholdsSchema>;

/** Xuất sắc ≥ 90 %, Tốt ≥ 70 %, Hoàn thành ≥ 50 %, else Không hoàn thành. */
export const DEFAULT_THRESHOLDS: Thresholds = [
  { label: "Xuất sắc", min: 90 },
  { label: "Tốt", min: 70 },
  { label: "Hoàn thành", min: 50 },
  { label: "Không hoàn thành", min: 0 },
];

/** "8", "8.", "8,5", "8 điểm", "8,5 đ 👍" → the points; null when it is not a number. */
export const parseScore = decimalAnswer;

export const roundScore = (n: number) => Math.round(n * 10) / 10;
export const formatScore = (n: number) => String(roundScore(n)).replace(".", ",");

/**
 * The points in an answer to "score this criterion": a value button ("v:8") or a
 * typed number; anything else, or outside 0…max, is refused with the range.
 */
export function scoreAnswer(input: StepInput, max: number): number {
  const typed =
    input.type === "choice" && input.choiceId.startsWith("v:")
      ? input.choiceId.slice(2).replace("_", ".")
      : input.type === "text"
        ? input.text
        : "";
  const points = parseScore(typed);
  if (points === null || points < 0 || points > max) {
    throw new AppError("score_out_of_range", { max: formatScore(max) });
  }
  return points;
}

/**
 * A button for `points`. Its id has no "." (a Telegram button's data allows letters,
 * digits, "_", ":" and "-"): 7.5 points is "v:7_5".
 */
export const valueChoice = (points: number) => ({
  id: `v:${String(points).replace(".", "_")}`,
  label: formatScore(points),
});

/** The usual points offered as buttons: the most, three quarters, half, none (and `also`). */
export function commonScores(max: number, also: number[] = []): number[] {
  return [...new Set([max, ...also, roundScore(max * 0.75), roundScore(max / 2), 0])];
}

/** "Cây xanh (10 điểm, hệ số 2)" in the reader's language. */
export function describeCriterion(
  t: Translate,
  c: { title: string; maxScore: number | null; weight: number },
): string {
  if (c.maxScore === null) return c.title;
  return c.weight === 1
    ? t("campaigns:criterion_scored", { title: c.title, max: formatScore(c.maxScore) })
    : t("campaigns:criterion_weighted", {
        title: c.title,
        max: formatScore(c.maxScore),
        weight: formatScore(c.weight),
      });
}
