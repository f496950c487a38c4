import { formatDateTime as formatAt } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import type { BallotView } from "./ballotView.ts";

/** The ballot as every member unit hears it opened: the question, the rules, how to vote. */
export function openedLines(t: Translate, view: BallotView, timezone: string): string {
  return [
    t("ballot:opened", { question: view.question, round: view.round }),
    ...view.candidates.map((c, i) => `${i + 1}. ${c.unitName}`),
    rulesLine(t, view, timezone),
    t("ballot:how_to_vote"),
  ].join("\n");
}

/** A ballot's rules as every voter and the lead read them: choose, quorum, threshold, closing. */
export function rulesLine(t: Translate, view: BallotView, timezone: string): string {
  return t("ballot:rules", {
    choose: view.choose,
    quorum: view.quorum,
    eligible: view.eligible,
    threshold: view.thresholdPercent,
    needed: view.needed,
    at: formatAt(view.closesAt, timezone),
  });
}
