import { z } from "zod";
import type { HandlerContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { memberActor } from "../../services/auditLog.ts";
import type { Services } from "../services.ts";
import { describeLateRule, formatThresholds } from "./rules.ts";
import { askLateRule, askThresholds, rulesDataShape, rulesSteps } from "./rulesSteps.ts";

type Ctx = HandlerContext<Services>;

/* "/campaign rules 3": the late rule and the classes of a campaign that exists already. */

export const CAMPAIGN_RULES_FLOW = "campaign_rules";

/** What the rules form keeps between its steps, read back through this schema at each step. */
const rulesFormSchema = z.looseObject({ campaignId: z.number().int(), ...rulesDataShape });
type RulesFormData = z.infer<typeof rulesFormSchema>;

function actorOf(ctx: Ctx) {
  if (!ctx.actor) throw new AppError("not_linked");
  return ctx.actor;
}

export async function changeCampaignRules(ctx: Ctx, campaignId: number): Promise<void> {
  const campaign = await ctx.services.campaigns.get(actorOf(ctx).blocId, campaignId);
  if (!campaign.criteriaScale.some((c) => c.maxScore !== null)) throw new AppError("not_scored");
  if (await ctx.services.campaigns.rulesLocked(campaign.blocId, campaignId)) {
    throw new AppError("rules_published");
  }
  ctx.reply(ctx.t("campaigns:rules_intro", { id: campaign.id, title: campaign.title }));
  const data: RulesFormData = {
    campaignId,
    lateRule: campaign.lateRule,
    thresholds: campaign.thresholds,
  };
  askLateRule(ctx, CAMPAIGN_RULES_FLOW, data);
}

/** Saved once both questions are answered; the service checks again and audits. */
async function save(ctx: Ctx, data: RulesFormData): Promise<void> {
  const actor = actorOf(ctx);
  const { campaign, changed, scoredReports } = await ctx.services.campaigns.setRules(
    actor.blocId,
    data.campaignId,
    { lateRule: data.lateRule ?? "none", thresholds: data.thresholds ?? null },
    memberActor(actor.memberId),
  );
  ctx.flow.end();
  if (!changed) {
    ctx.reply(ctx.t("campaigns:rules_unchanged", { id: campaign.id }));
    return;
  }
  const classes = campaign.thresholds
    ? ctx.t("campaigns:line_thresholds", { classes: formatThresholds(campaign.thresholds) })
    : ctx.t("campaigns:line_thresholds_bloc", {
        classes: formatThresholds(await ctx.services.campaigns.blocThresholds(actor.blocId)),
      });
  ctx.reply(
    [
      ctx.t("campaigns:rules_saved", { id: campaign.id, title: campaign.title }),
      ctx.t("campaigns:line_late", { rule: describeLateRule(ctx.t, campaign.lateRule) }),
      classes,
      scoredReports > 0
        ? ctx.t("campaigns:rules_reranked", { count: scoredReports, id: campaign.id })
        : null,
    ]
      .filter((line) => line !== null)
      .join("\n"),
  );
}

export const campaignRulesFlow = rulesSteps<RulesFormData>(
  CAMPAIGN_RULES_FLOW,
  rulesFormSchema,
  async (ctx, question, data) => {
    if (question === "late") return askThresholds(ctx, CAMPAIGN_RULES_FLOW, data);
    return save(ctx, data);
  },
);
