import type { Translate } from "../../i18n/translator.ts";
import { formatScore } from "../campaigns/criteria.ts";
import { frame, periodInline, periodLabel } from "./frame.ts";
import type { PackFacts } from "./gather.ts";
import type { DocSpec } from "./layout.ts";
import type { BallotRecord } from "./records.ts";

/** The ballots whose result stands and elected someone: what a proposal may rest on. */
export const standingBallots = (facts: PackFacts): BallotRecord[] =>
  facts.ballots.filter((b) => b.valid && b.elected.length > 0);

/**
 * 3. tờ trình đề nghị tặng Cờ thi đua / Bằng khen, for the units a ballot elected,
 * each with its results. Null when no ballot elected anyone: the proposal needs the
 * meeting's secret ballot (hồ sơ đề nghị khen thưởng), so it is not offered.
 */
export function proposal(facts: PackFacts, t: Translate): DocSpec | null {
  const ballots = standingBallots(facts);
  if (ballots.length === 0) return null;
  const award = ballots.some((b) => b.award === "co_thi_dua") ? "co_thi_dua" : "bang_khen";
  const overall = new Map((facts.overall?.units ?? []).map((u) => [u.unitName, u]));
  const byCampaign = facts.rankings.map((r) => new Map(r.units.map((u) => [u.unitName, u])));
  const rows = ballots.flatMap((b) =>
    b.elected.map((unit) => {
      const votes = b.candidates.find((c) => c.unit === unit)?.votes ?? 0;
      const year = overall.get(unit);
      const campaigns = facts.rankings
        .map((r, i) => {
          const u = byCampaign[i]?.get(unit);
          return u
            ? `${r.campaign.title}: ${formatScore(u.total)}/${formatScore(u.max)} (${formatScore(u.percent)} %)`
            : null;
        })
        .filter((x): x is string => x !== null);
      return [
        unit,
        year ? `${formatScore(year.percent)} % — ${year.classLabel ?? "—"}` : "—",
        campaigns.join("; ") || "—",
        t("documents:votes_of", { votes, voted: b.voted }),
      ];
    }),
  );
  return {
    name: "3-to-trinh-de-nghi",
    ...frame(facts, t, "TTr-KTĐ"),
    title: t(`documents:proposal_title_${award}`),
    subtitle: [periodLabel(facts, t)],
    blocks: [
      { kind: "paragraph", text: t("documents:proposal_to") },
      { kind: "paragraph", text: t("documents:proposal_basis") },
      {
        kind: "paragraph",
        text: t(`documents:proposal_ask_${award}`, {
          count: rows.length,
          period: periodInline(facts, t),
        }),
      },
      {
        kind: "table",
        columns: [
          { title: t("documents:col_index"), width: 1, align: "center" },
          { title: t("documents:col_unit"), width: 5 },
          { title: t("documents:col_period_result"), width: 3 },
          { title: t("documents:col_campaign_results"), width: 6 },
          { title: t("documents:col_votes"), width: 2.4, align: "center" },
        ],
        rows: rows.map((r, i) => [String(i + 1), ...r]),
      },
      { kind: "paragraph", text: t("documents:proposal_attached") },
      { kind: "placeholder", text: t("documents:proposal_achievements") },
    ],
    signature: { role: t("documents:role_head"), hint: t("documents:sign_hint") },
  };
}
