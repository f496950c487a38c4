import type { HandlerContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import { memberActor } from "../../services/auditLog.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import type { Services } from "../services.ts";
import type { CampaignRanking, RankedUnit } from "./ranking.ts";
import { describeTotal } from "./score.ts";

type Ctx = HandlerContext<Services>;

/* /ranking [N] · /ranking nam 2026 · /ranking tucham bat|tat · /publish [N] */

const actorOf = (ctx: Ctx) => {
  if (!ctx.actor) throw new AppError("not_linked");
  return ctx.actor;
};

const isWeighted = (ranking: CampaignRanking) =>
  ranking.units[0]?.criteria.some((c) => c.weight !== 1) ?? false;

/** "84,2 % (50,5/60 điểm)", late and deduction, and for a self-score the words that say so. */
function unitLine(t: Translate, u: RankedUnit): string {
  const parts = [
    `${u.unitName} — ${describeTotal(t, { points: u.total, max: u.max, percent: u.percent, weighted: false })}`,
  ];
  if (u.rank !== null) parts.push(u.classLabel ?? "—");
  else if (!u.eligible) parts.push(t("review:not_eligible"));
  if (u.reviewState === "awaiting") parts.push(t("review:self_scored_words"));
  if (u.lateReports) parts.push(t("review:late_count", { count: u.lateReports }));
  if (u.deduction) parts.push(t("review:deducted", { points: u.deduction }));
  if (u.returnedReports && u.reviewState !== "returned") {
    parts.push(t("review:returned_count", { count: u.returnedReports }));
  }
  return parts.join(" · ");
}

/**
 * The ranking as chat lines: the ranked units by place; then, each under its own
 * heading, those the late rule put out, those awaiting review (self-scores, not
 * ranked), those returned, those with no report; then the corrections.
 */
export function rankingLines(t: Translate, ranking: CampaignRanking, timezone: string): string[] {
  const lines: string[] = [];
  const ranked = ranking.units.filter((u) => u.rank !== null);
  lines.push(...ranked.map((u) => `${u.rank}. ${unitLine(t, u)}`));
  const rest = ranking.units.filter((u) => u.rank === null);
  const section = (
    key: string,
    units: RankedUnit[],
    line = (u: RankedUnit) => `– ${unitLine(t, u)}`,
  ) => {
    if (units.length === 0) return;
    lines.push("", t(key, { count: units.length }), ...units.map(line));
  };
  const outByRule = rest.filter(
    (u) => !u.eligible && u.reviewState !== "returned" && u.reviewState !== "none",
  );
  section("review:section_ineligible", outByRule);
  section(
    "review:section_awaiting",
    rest.filter((u) => u.eligible && u.reviewState === "awaiting"),
  );
  section(
    "review:section_returned",
    rest.filter((u) => u.reviewState === "returned"),
    (u) => `– ${u.unitName}`,
  );
  section(
    "review:section_none",
    rest.filter((u) => u.reviewState === "none"),
    (u) => `– ${u.unitName}`,
  );
  if (ranking.corrections.length) {
    lines.push("", t("review:section_corrections"));
    for (const c of ranking.corrections) {
      lines.push(
        `– ${t("review:correction_line", { unit: c.unitName, reviewer: c.reviewer, at: formatDateTime(c.at, timezone), reason: c.reason })}`,
      );
    }
  }
  return lines;
}

export function rankingTitle(t: Translate, ranking: CampaignRanking, timezone: string): string[] {
  return [
    t("review:ranking_title", { campaign: ranking.campaign.title }),
    ranking.publishedAt
      ? t("review:published_on", { at: formatDateTime(ranking.publishedAt, timezone) })
      : t("review:not_published"),
    t(ranking.rankSelfScores ? "review:rule_self_ranked" : "review:rule_reviewed_only"),
    ...(isWeighted(ranking) ? [t("review:weighted_note")] : []),
  ];
}

/** The scored campaign named by `args`, or the only one running; a list when several are. */
async function scoredCampaign(
  ctx: Ctx,
  args: string,
  command: string,
): Promise<CampaignSummary | null> {
  const actor = actorOf(ctx);
  const resolved = await ctx.services.campaigns.resolve(actor.blocId, args);
  const scored = (Array.isArray(resolved) ? resolved : [resolved]).filter((c) =>
    c.criteriaScale.some((x) => x.maxScore !== null),
  );
  if (scored.length === 0) throw new AppError("not_scored");
  if (scored.length > 1) {
    ctx.reply(
      [
        ctx.t("progress:which_campaign"),
        ...scored.map((c) => `/${command} ${c.id} — ${c.title}`),
      ].join("\n"),
    );
    return null;
  }
  return scored[0] ?? null;
}

const SELF_SCORES = /^(?:tucham|tự\s*chấm|tu\s*cham|selfscores|self)\s+(bat|bật|on|tat|tắt|off)$/iu;

export async function ranking(ctx: Ctx, args: string): Promise<void> {
  const actor = actorOf(ctx);
  const selfScores = SELF_SCORES.exec(args.trim());
  if (selfScores) {
    if (actor.role !== "LEAD") throw new AppError("forbidden");
    const on = /^(bat|bật|on)$/iu.test(selfScores[1] ?? "");
    await ctx.services.ranking.setRankSelfScores(actor.blocId, on, memberActor(actor.memberId));
    ctx.reply(ctx.t(on ? "review:self_scores_on" : "review:self_scores_off"));
    return;
  }
  const year = /^(?:nam|năm|year)\s+(\d{4})$/iu.exec(args.trim());
  if (year) {
    const result = await ctx.services.ranking.year(actor.blocId, Number(year[1]));
    if (result.campaigns.length === 0) throw new AppError("not_scored");
    ctx.reply(
      [
        ctx.t("review:year_title", { year: result.year, count: result.campaigns.length }),
        ...result.units.map((u) => {
          const figure = `${u.unitName} — ${String(u.percent).replace(".", ",")} %`;
          if (u.rank !== null) return `${u.rank}. ${figure} · ${u.classLabel ?? "—"}`;
          return `– ${figure} · ${ctx.t(`review:state_words.${u.reviewState}`)}`;
        }),
      ].join("\n"),
    );
    return;
  }
  const campaign = await scoredCampaign(ctx, args, "xephang");
  if (!campaign) return;
  const result = await ctx.services.ranking.campaign(actor.blocId, campaign.id);
  ctx.reply(
    [
      ...rankingTitle(ctx.t, result, actor.timezone),
      ...rankingLines(ctx.t, result, actor.timezone),
    ].join("\n"),
  );
}

export async function publish(ctx: Ctx, args: string): Promise<void> {
  const actor = actorOf(ctx);
  const campaign = await scoredCampaign(ctx, args, "congbo");
  if (!campaign) return;
  const result = await ctx.services.publication.publish(actor.blocId, campaign.id, actor.memberId);
  ctx.reply(
    [
      ctx.t("review:published", { campaign: campaign.title }),
      "",
      ...rankingTitle(ctx.t, result, actor.timezone),
      ...rankingLines(ctx.t, result, actor.timezone),
    ].join("\n"),
  );
}
