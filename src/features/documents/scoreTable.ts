import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import { formatScore } from "../campaigns/criteria.ts";
import { describeLateRule } from "../campaigns/rules.ts";
import type { CampaignRanking } from "../review/ranking.ts";
import { frame, periodInline, periodLabel } from "./frame.ts";
import type { OverallRanking, PackFacts } from "./gather.ts";
import type { Block, DocSpec } from "./layout.ts";

/**
 * 1. bảng tổng hợp kết quả chấm điểm và xếp loại: each scored campaign as /ranking
 * orders it (every criterion's counted points, the late rule's deduction, the total,
 * the class, the review state), then the period's overall order.
 */
export function scoreTable(facts: PackFacts, t: Translate): DocSpec {
  const blocks: Block[] = [];
  if (facts.rankings.length === 0) {
    blocks.push({ kind: "paragraph", text: t("documents:no_scored_campaign") });
  }
  facts.rankings.forEach((ranking, i) => {
    blocks.push(...campaignBlocks(ranking, i + 1, facts.bloc.timezone, t));
  });
  if (facts.overall && facts.rankings.length > 0) {
    blocks.push(...overallBlocks(facts.overall, periodInline(facts, t), t));
  }
  return {
    name: "1-bang-tong-hop-diem",
    ...frame(facts, t, "BTH-KTĐ"),
    title: t("documents:score_table_title"),
    subtitle: [periodLabel(facts, t)],
    landscape: true,
    blocks,
    signature: { role: t("documents:role_head"), hint: t("documents:sign_hint") },
  };
}

const state = (t: Translate, s: string) => t(`review:state_words.${s}`);

function campaignBlocks(r: CampaignRanking, index: number, tz: string, t: Translate): Block[] {
  const criteria =
    r.units[0]?.criteria ??
    r.campaign.criteriaScale.flatMap((c) =>
      c.maxScore === null ? [] : [{ ...c, maxScore: c.maxScore }],
    );
  const notes = [
    t("documents:late_rule_line", { rule: describeLateRule(t, r.lateRule) }),
    t("documents:deadlines_counted", { count: r.deadlinesCounted }),
    r.publishedAt
      ? t("review:published_on", { at: formatDateTime(r.publishedAt, tz) })
      : t("web:ranking.not_published"),
  ];
  return [
    { kind: "heading", text: t("documents:campaign_heading", { index, title: r.campaign.title }) },
    { kind: "paragraph", text: notes.join(" "), italic: true },
    {
      kind: "table",
      columns: [
        { title: t("documents:col_rank"), width: 1.2, align: "center" },
        { title: t("documents:col_unit"), width: 6 },
        ...criteria.map((c) => ({
          title:
            c.weight === 1
              ? `${c.title} (${formatScore(c.maxScore)})`
              : `${c.title} (${formatScore(c.maxScore)} × ${formatScore(c.weight)})`,
          width: 2.2,
          align: "right" as const,
        })),
        { title: t("documents:col_deduction"), width: 1.6, align: "right" },
        { title: t("documents:col_total"), width: 2, align: "right" },
        { title: t("documents:col_percent"), width: 1.6, align: "right" },
        { title: t("documents:col_class"), width: 2.4 },
        { title: t("documents:col_state"), width: 2.4 },
        { title: t("documents:col_late"), width: 1.4, align: "right" },
      ],
      rows: r.units.map((u) => [
        u.rank === null ? "—" : String(u.rank),
        u.unitName,
        ...u.criteria.map((c) =>
          c.source === "self" ? `${formatScore(c.used)}*` : formatScore(c.used),
        ),
        formatScore(u.deduction),
        `${formatScore(u.total)}/${formatScore(u.max)}`,
        formatScore(u.percent),
        u.classLabel ?? (u.eligible ? "—" : t("review:not_eligible")),
        state(t, u.reviewState),
        String(u.lateReports),
      ]),
    },
    ...(r.units.some((u) => u.criteria.some((c) => c.source === "self"))
      ? [{ kind: "paragraph" as const, text: t("documents:self_mark"), italic: true }]
      : []),
    ...r.corrections.map(
      (c): Block => ({
        kind: "paragraph",
        text: t("documents:correction_line", {
          at: formatDateTime(c.at, tz),
          unit: c.unitName,
          reviewer: c.reviewer,
          reason: c.reason,
        }),
        italic: true,
      }),
    ),
  ];
}

function overallBlocks(overall: OverallRanking, label: string, t: Translate): Block[] {
  return [
    { kind: "heading", text: t("documents:overall_heading", { period: label }) },
    {
      kind: "paragraph",
      text: t("documents:overall_rule", { count: overall.campaigns.length }),
      italic: true,
    },
    {
      kind: "table",
      columns: [
        { title: t("documents:col_rank"), width: 1.2, align: "center" },
        { title: t("documents:col_unit"), width: 9 },
        { title: t("documents:col_mean_percent"), width: 2.4, align: "right" },
        { title: t("documents:col_on_time"), width: 2.4, align: "right" },
        { title: t("documents:col_class"), width: 2.6 },
        { title: t("documents:col_state"), width: 2.6 },
      ],
      rows: overall.units.map((u) => [
        u.rank === null ? "—" : String(u.rank),
        u.unitName,
        formatScore(u.percent),
        String(u.onTimeReports),
        u.classLabel ?? "—",
        state(t, u.reviewState),
      ]),
    },
  ];
}
