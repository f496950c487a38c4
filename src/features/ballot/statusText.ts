import type { Translate } from "../../i18n/translator.ts";
import { rulesLine } from "./openedText.ts";
import type { BallotView } from "./service.ts";

/**
 * An open ballot as the lead sees it: the question, the candidates, the rules and,
 * unless it is a preview, which units have voted and which have not. Never a count
 * before closing.
 */
export function statusLines(
  t: Translate,
  view: BallotView,
  timezone: string,
  turnout = true,
): string[] {
  const lines = [
    t("ballot:status_title", { question: view.question, round: view.round }),
    t("ballot:status_candidates", { units: view.candidates.map((c) => c.unitName).join(", ") }),
    rulesLine(t, view, timezone),
  ];
  if (!turnout) return lines;
  const voted = view.electorate.filter((e) => e.voted).map((e) => e.unitName);
  const missing = view.electorate.filter((e) => !e.voted).map((e) => e.unitName);
  lines.push(t("ballot:status_voted", { voted: view.voted, eligible: view.eligible }));
  if (voted.length) lines.push(t("ballot:status_voted_units", { units: voted.join(", ") }));
  if (missing.length) lines.push(t("ballot:status_missing_units", { units: missing.join(", ") }));
  return lines;
}
