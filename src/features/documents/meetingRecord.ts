import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import { formatScore } from "../campaigns/criteria.ts";
import { frame, periodLabel } from "./frame.ts";
import type { PackFacts } from "./gather.ts";
import type { Block, DocSpec } from "./layout.ts";
import type { BallotRecord } from "./records.ts";

const pct = (share: number) => formatScore(Math.round(share * 10000) / 100);

/**
 * 2. biên bản họp bình xét, suy tôn: the meeting's frame left to the secretariat,
 * the period's leading units from the ranking, and each ballot's count. A period
 * without a ballot says so: no result is invented.
 */
export function meetingRecord(facts: PackFacts, t: Translate): DocSpec {
  const tz = facts.bloc.timezone;
  const top = (facts.overall?.units ?? facts.rankings[0]?.units ?? []).filter(
    (u) => u.rank !== null && u.rank <= 5,
  );
  const blocks: Block[] = [
    { kind: "placeholder", text: t("documents:meeting_time_place") },
    { kind: "placeholder", text: t("documents:meeting_attendance") },
    { kind: "heading", text: t("documents:meeting_results_heading") },
    top.length > 0
      ? {
          kind: "paragraph",
          text: t("documents:meeting_results", {
            units: top
              .map((u) => `${u.rank}. ${u.unitName} (${formatScore(u.percent)} %)`)
              .join("; "),
          }),
        }
      : { kind: "paragraph", text: t("documents:no_scored_campaign") },
    { kind: "heading", text: t("documents:meeting_ballot_heading") },
  ];
  if (facts.ballots.length === 0) {
    blocks.push({ kind: "paragraph", text: t("documents:no_ballot") });
  }
  for (const ballot of facts.ballots) blocks.push(...ballotBlocks(ballot, tz, t));
  blocks.push(
    { kind: "placeholder", text: t("documents:meeting_opinions") },
    { kind: "paragraph", text: t("documents:meeting_close") },
  );
  return {
    name: "2-bien-ban-binh-xet",
    ...frame(facts, t, "BB-KTĐ"),
    title: t("documents:meeting_title"),
    subtitle: [periodLabel(facts, t)],
    blocks,
    signature: { role: t("documents:role_chair"), hint: t("documents:sign_hint") },
    cosigner: { role: t("documents:role_secretary"), hint: t("documents:sign_hint") },
  };
}

export function ballotBlocks(ballot: BallotRecord, tz: string, t: Translate): Block[] {
  const turnout = ballot.eligible > 0 ? ballot.voted / ballot.eligible : 0;
  return [
    {
      kind: "paragraph",
      text: t("documents:ballot_line", {
        question: ballot.question,
        round: ballot.round,
        closed: formatDateTime(ballot.closedAt, tz),
      }),
    },
    {
      kind: "paragraph",
      text: t("documents:ballot_turnout", {
        eligible: ballot.eligible,
        voted: ballot.voted,
        turnout: pct(turnout),
        quorum: pct(ballot.quorum),
        threshold: pct(ballot.threshold),
      }),
    },
    {
      kind: "table",
      columns: [
        { title: t("documents:col_index"), width: 1, align: "center" },
        { title: t("documents:col_unit"), width: 8 },
        { title: t("documents:col_votes"), width: 2, align: "right" },
        { title: t("documents:col_vote_share"), width: 2.4, align: "right" },
        { title: t("documents:col_elected"), width: 2.4, align: "center" },
      ],
      rows: ballot.candidates.map((c, i) => [
        String(i + 1),
        c.unit,
        String(c.votes),
        pct(ballot.voted > 0 ? c.votes / ballot.voted : 0),
        ballot.elected.includes(c.unit) ? t("documents:yes") : "",
      ]),
    },
    {
      kind: "paragraph",
      text: ballot.valid
        ? ballot.elected.length > 0
          ? t("documents:ballot_elected", { units: ballot.elected.join("; ") })
          : t("documents:ballot_none_elected")
        : t("documents:ballot_invalid"),
    },
  ];
}
