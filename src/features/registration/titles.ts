import { z } from "zod";
import { AppError } from "../../core/errors.ts";

/** The titles a collective usually aims at in a provincial bloc (Luật TĐKT 2022, NĐ 152/2025). */
export const DEFAULT_TITLES = [
  "Tập thể Lao động xuất sắc",
  "Tập thể Lao động tiên tiến",
  "Cờ thi đua của UBND tỉnh",
  "Bằng khen của Chủ tịch UBND tỉnh",
] as const;

export const titlesSchema = z.array(z.string());

const MAX_TITLES = 12;
const MAX_TITLE = 120;
const MAX_COMMITMENTS = 20;
const MAX_COMMITMENT = 300;

/** A bloc's list of titles: trimmed, none empty, none twice, a few short lines. */
export function checkTitles(titles: string[]): string[] {
  const tidy = [...new Set(titles.map((x) => x.trim().normalize("NFC")).filter(Boolean))];
  if (tidy.length === 0 || tidy.length > MAX_TITLES || tidy.some((x) => x.length > MAX_TITLE)) {
    throw new AppError("registration_titles_format", { max: MAX_TITLES, length: MAX_TITLE });
  }
  return tidy;
}

/** A unit's commitments (chỉ tiêu): short lines, at least one. */
export function checkCommitments(lines: string[]): string[] {
  const tidy = lines.map((x) => x.trim().normalize("NFC")).filter(Boolean);
  if (
    tidy.length === 0 ||
    tidy.length > MAX_COMMITMENTS ||
    tidy.some((x) => x.length > MAX_COMMITMENT)
  ) {
    throw new AppError("registration_commitments_format", {
      max: MAX_COMMITMENTS,
      length: MAX_COMMITMENT,
    });
  }
  return tidy;
}

/** The lines of a typed answer: one commitment or title per line (or "; "). */
export const linesOf = (text: string) =>
  text
    .split(/\r?\n|;\s/)
    .map((x) => x.replace(/^\s*(?:[-–•*]|\d+[.)])\s*/, "").trim())
    .filter(Boolean);
