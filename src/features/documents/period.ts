import { z } from "zod";

/**
 * What a pack covers: one campaign, the first or second half of a year (sơ kết 6
 * tháng) or the year (tổng kết). Campaigns belong to the half in which they end,
 * as the ranking's year counts them by the year they end.
 */
export type Period =
  | { kind: "campaign"; campaignId: number }
  | { kind: "half"; year: number; half: 1 | 2 }
  | { kind: "year"; year: number };

const year = z.coerce.number().int().min(2000).max(2100);

/**
 * "2026" (the year), "6t 2026" / "h1 2026" / "h2 2026" (a half), "#7" / "c7" (a
 * campaign): what the chat, the buttons and the admin CLI pass. Null when unreadable.
 */
export function parsePeriod(text: string): Period | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, " ");
  let m = /^(?:#|c|campaign ?)(\d+)$/.exec(t);
  if (m) return { kind: "campaign", campaignId: Number(m[1]) };
  m = /^(?:h|half|6t|so ket|sơ kết) ?([12])? (\d{4})$/.exec(t);
  if (m) {
    const parsed = year.safeParse(m[2]);
    return parsed.success ? { kind: "half", year: parsed.data, half: m[1] === "2" ? 2 : 1 } : null;
  }
  m = /^(?:year |năm )?(\d{4})$/.exec(t);
  if (m) {
    const parsed = year.safeParse(m[1]);
    return parsed.success ? { kind: "year", year: parsed.data } : null;
  }
  return null;
}

/** The argument that names the period again (for buttons and the CLI): inverse of parsePeriod. */
export function periodArgs(period: Period): string {
  if (period.kind === "campaign") return `c${period.campaignId}`;
  if (period.kind === "half") return `h ${period.half} ${period.year}`;
  return String(period.year);
}

/** Whether a campaign ending at `endsAt` (in the bloc's year) belongs to the period. */
export function endsWithin(period: Period, endsAt: Date, campaignId: number): boolean {
  if (period.kind === "campaign") return campaignId === period.campaignId;
  if (endsAt.getUTCFullYear() !== period.year) return false;
  if (period.kind === "year") return true;
  const firstHalf = endsAt.getUTCMonth() < 6;
  return period.half === 1 ? firstHalf : !firstHalf;
}
