import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import type { BallotResult } from "./ballotResult.ts";

/**
 * A round's result as chat lines, the same for the lead, the announcement to every
 * member unit and the console: counts per candidate, turnout and quorum, the threshold,
 * who is elected, and a tie that calls for a second round.
 */
export function resultLines(t: Translate, result: BallotResult, timezone: string): string[] {
  const names = (units: { unitName: string }[]) => units.map((u) => u.unitName).join(", ");
  const lines = [
    t("ballot:result_title", { question: result.question, round: result.round }),
    t("ballot:result_closed", { at: formatDateTime(result.closedAt, timezone) }),
    t("ballot:result_turnout", {
      voted: result.voted,
      eligible: result.eligible,
      quorum: result.quorum,
    }),
    t(result.valid ? "ballot:result_quorum_met" : "ballot:result_quorum_missed"),
    t("ballot:result_threshold", { threshold: result.thresholdPercent, needed: result.needed }),
    ...result.candidates.map((c, i) =>
      t("ballot:result_line", { index: i + 1, unit: c.unitName, count: c.votes }),
    ),
  ];
  if (!result.valid) return lines;
  if (result.elected.length) {
    lines.push(t("ballot:result_elected", { units: names(result.elected) }));
  } else if (!result.tied.length) {
    lines.push(t("ballot:result_none_elected"));
  }
  if (result.tied.length) lines.push(t("ballot:result_tied", { units: names(result.tied) }));
  return lines;
}
