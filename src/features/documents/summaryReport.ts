import type { Translate } from "../../i18n/translator.ts";
import { formatScore } from "../campaigns/criteria.ts";
import { frame, periodLabel, reportKind } from "./frame.ts";
import type { PackFacts } from "./gather.ts";
import type { Block, DocSpec } from "./layout.ts";

/**
 * 5. báo cáo sơ kết / tổng kết: the figures filled in (campaigns, reports on time,
 * late, returned, photos, each unit's result) and the narrative sections left to the
 * secretariat as marked places.
 */
export function summaryReport(facts: PackFacts, t: Translate): DocSpec {
  const kind = reportKind(facts);
  const sum = (pick: (c: PackFacts["counts"][number]) => number) =>
    facts.counts.reduce((s, c) => s + pick(c), 0);
  const totals = {
    campaigns: facts.campaigns.length,
    reports: sum((c) => c.reports),
    onTime: sum((c) => c.onTime),
    late: sum((c) => c.late),
    returned: sum((c) => c.returned),
    awaiting: sum((c) => c.awaiting),
    photos: sum((c) => c.photos),
  };
  const results = facts.overall?.units ?? facts.rankings[0]?.units ?? [];
  const blocks: Block[] = [
    { kind: "heading", text: t("documents:report_part_situation") },
    { kind: "placeholder", text: t("documents:report_situation_hint") },
    { kind: "heading", text: t("documents:report_part_results") },
    { kind: "paragraph", text: t("documents:report_totals", totals) },
    {
      kind: "table",
      columns: [
        { title: t("documents:col_index"), width: 1, align: "center" },
        { title: t("documents:col_campaign"), width: 5.5 },
        { title: t("documents:col_deadlines"), width: 1.6, align: "right" },
        { title: t("documents:col_reports"), width: 1.6, align: "right" },
        { title: t("documents:col_on_time"), width: 1.6, align: "right" },
        { title: t("documents:col_late_reports"), width: 1.4, align: "right" },
        { title: t("documents:col_returned"), width: 1.6, align: "right" },
        { title: t("documents:col_photos"), width: 1.6, align: "right" },
      ],
      rows: [
        ...facts.counts.map((c, i) => [
          String(i + 1),
          c.title,
          String(c.deadlines),
          String(c.reports),
          String(c.onTime),
          String(c.late),
          String(c.returned),
          String(c.photos),
        ]),
        [
          "",
          t("documents:total_row"),
          String(sum((c) => c.deadlines)),
          String(totals.reports),
          String(totals.onTime),
          String(totals.late),
          String(totals.returned),
          String(totals.photos),
        ],
      ],
    },
    { kind: "heading", text: t("documents:report_unit_results") },
    results.length === 0
      ? { kind: "paragraph", text: t("documents:no_scored_campaign") }
      : {
          kind: "table",
          columns: [
            { title: t("documents:col_rank"), width: 1.2, align: "center" },
            { title: t("documents:col_unit"), width: 9 },
            { title: t("documents:col_percent"), width: 2.2, align: "right" },
            { title: t("documents:col_class"), width: 3 },
          ],
          rows: results.map((u) => [
            u.rank === null ? "—" : String(u.rank),
            u.unitName,
            formatScore(u.percent),
            u.classLabel ?? t(`review:state_words.${u.reviewState}`),
          ]),
        },
    { kind: "placeholder", text: t("documents:report_results_hint") },
    { kind: "heading", text: t("documents:report_part_limits") },
    { kind: "placeholder", text: t("documents:report_limits_hint") },
    { kind: "heading", text: t("documents:report_part_next") },
    { kind: "placeholder", text: t("documents:report_next_hint") },
    { kind: "heading", text: t("documents:report_part_proposals") },
    { kind: "placeholder", text: t("documents:report_proposals_hint") },
  ];
  return {
    name: `5-bao-cao-${kind === "tong_ket" ? "tong-ket" : "so-ket"}`,
    ...frame(facts, t, "BC-KTĐ"),
    title: t(`documents:report_title_${kind}`),
    subtitle: [periodLabel(facts, t)],
    blocks,
    signature: { role: t("documents:role_head"), hint: t("documents:sign_hint") },
  };
}
