import type { App } from "../../app.ts";
import type { AdminResult } from "../adminResult.ts";
import { type AdminVerb, id } from "../adminVerb.ts";

/** The campaign's ranking for operators: every figure the chat shows, as data. */
async function rankingOf(app: App, campaignId: number): Promise<AdminResult> {
  const campaign = await app.services.campaigns.findAnyBloc(campaignId);
  const ranking = await app.services.ranking.campaign(campaign.blocId, campaign.id);
  const units = ranking.units.map((u) => ({
    rank: u.rank,
    unitId: u.unitId,
    unit: u.unitName,
    total: u.total,
    max: u.max,
    percent: u.percent,
    deduction: u.deduction,
    class: u.classLabel,
    eligible: u.eligible,
    lateReports: u.lateReports,
    reviewState: u.reviewState,
    provisional: u.provisional,
    criteria: u.criteria.map((c) => ({
      id: c.id,
      title: c.title,
      maxScore: c.maxScore,
      weight: c.weight,
      self: c.self,
      reviewed: c.reviewed,
      used: c.used,
      source: c.source,
    })),
  }));
  return {
    json: {
      campaignId,
      title: campaign.title,
      lateRule: ranking.lateRule,
      thresholds: ranking.thresholds,
      rankSelfScores: ranking.rankSelfScores,
      publishedAt: ranking.publishedAt?.toISOString() ?? null,
      corrections: ranking.corrections.map((c) => ({ ...c, at: c.at.toISOString() })),
      units,
    },
    text: units
      .map(
        (u) =>
          `${u.rank ?? "-"}\t${u.unit}\t${u.total}/${u.max}\t${u.percent}%\t${u.class ?? (u.eligible ? "-" : "not eligible")}\t${u.reviewState}\tlate ${u.lateReports}`,
      )
      .join("\n"),
  };
}

export const rankingVerb: AdminVerb = {
  words: "ranking",
  args: "<campaignId>",
  does: "units in order (reviewed first): total, per-criterion scores, class, review state (reviewed|awaiting|returned|none), late count",
  run: ({ app, args }) => rankingOf(app, id("campaignId", args[0])),
};
