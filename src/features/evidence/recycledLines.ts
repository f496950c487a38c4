import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import type { FlaggedPair } from "./recycled.ts";

/**
 * A line per flagged photo of a report, for the reviewer: the band and distance, and
 * where the earlier photo came from. Another unit is named here (the reviewer's view
 * only: the unit that filed is never told); the unit's own photo from an earlier
 * deadline is called that.
 */
export function recycledLines(t: Translate, timezone: string, pairs: FlaggedPair[]): string[] {
  return pairs.map((pair) => {
    const values = {
      photo: pair.photo.evidenceId,
      earlier: pair.earlier.evidenceId,
      unit: pair.earlier.unitName,
      deadline:
        formatDateTime(pair.earlier.dueAt, timezone) +
        // The campaign is named only when it is another one.
        (pair.earlier.campaignId === pair.photo.campaignId
          ? ""
          : ` · ${pair.earlier.campaignTitle}`),
      received: formatDateTime(pair.earlier.receivedAt, timezone),
      band: t(`recycled:band.${pair.band}`),
      distance: pair.distance,
    };
    const line = pair.sameUnit ? t("recycled:own_photo", values) : t("recycled:other_unit", values);
    return pair.mirrored ? `${line} ${t("recycled:mirrored")}` : line;
  });
}

/** The lead's /progress: how many photos of the campaign resemble earlier ones, by unit. */
export function recycledCountLine(
  t: Translate,
  counts: { unitName: string; count: number }[],
): string | null {
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  if (total === 0) return null;
  return t("recycled:progress_count", {
    count: total,
    units: counts.map((c) => `${c.unitName}: ${c.count}`).join(", "),
  });
}
