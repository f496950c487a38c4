import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Language } from "../../core/roles.ts";
import type { Db } from "../../db/client.ts";
import type { Outbox } from "../../delivery/outbox.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate, Translator } from "../../i18n/translator.ts";
import { memberActor, recordAudit } from "../../services/auditLog.ts";
import { deliveryTo, reachUnits } from "../../services/recipients.ts";
import type { CampaignRanking, RankedUnit, RankingService } from "./ranking.ts";
import { describeTotal } from "./score.ts";

/** How one unit's standing reads in a notice or a line: place, figure, class or its state. */
export function describeStanding(t: Translate, unit: RankedUnit, ranked: number): string {
  const total = describeTotal(t, {
    points: unit.total,
    max: unit.max,
    percent: unit.percent,
    weighted: unit.criteria.some((c) => c.weight !== 1),
  });
  if (unit.rank !== null) {
    return t("review:standing_ranked", {
      rank: unit.rank,
      count: ranked,
      total,
      class: unit.classLabel ?? "—",
    });
  }
  if (!unit.eligible) return t("review:standing_ineligible", { total });
  return t(`review:standing_${unit.reviewState}`, { total });
}

/**
 * công bố kết quả: the lead stands behind a campaign's ranking. Every report must be
 * decided first (none awaiting review); the units' focal points are told their
 * standing in their language; from then on a result changes only as a correction
 * with a reason (ReviewService), and the unit can no longer replace its reports.
 */
export class PublicationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly translator: Translator,
    private readonly defaultLanguage: Language,
    private readonly ranking: RankingService,
    private readonly nudge: () => void = () => {},
  ) {}

  async publish(blocId: number, campaignId: number, memberId: number): Promise<CampaignRanking> {
    const ranking = await this.ranking.campaign(blocId, campaignId);
    if (ranking.publishedAt) {
      const bloc = await this.db.bloc.findUniqueOrThrow({ where: { id: blocId } });
      throw new AppError("already_published", {
        at: formatDateTime(ranking.publishedAt, bloc.timezone),
      });
    }
    const awaiting = ranking.units.filter((u) => u.reviewState === "awaiting").length;
    if (awaiting) throw new AppError("publish_awaiting", { count: String(awaiting) });
    const now = this.clock.now();
    const ranked = ranking.units.filter((u) => u.rank !== null).length;
    await this.db.$transaction(async (tx) => {
      const marked = await tx.campaign.updateMany({
        where: { id: campaignId, blocId, publishedAt: null },
        data: { publishedAt: now, publishedById: memberId },
      });
      if (marked.count !== 1) throw new AppError("review_changed");
      await recordAudit(tx, {
        at: this.clock.now(),
        actor: memberActor(memberId),
        action: "campaign.publish",
        blocId,
        details: {
          campaignId,
          units: ranking.units.map((u) => ({
            unitId: u.unitId,
            rank: u.rank,
            total: u.total,
            percent: u.percent,
            class: u.classLabel,
            reviewState: u.reviewState,
          })),
        },
      });
      const byUnit = new Map(ranking.units.map((u) => [u.unitId, u]));
      const { recipients } = await reachUnits(
        tx,
        blocId,
        ranking.units.map((u) => u.unitId),
        "focal",
        this.defaultLanguage,
      );
      await this.outbox.enqueue(
        recipients.flatMap((r) => {
          const unit = r.unitId === null ? undefined : byUnit.get(r.unitId);
          if (!unit) return [];
          const t = this.translator.for(r.language);
          return [
            deliveryTo(r, {
              kind: "REVIEW",
              key: `publish:${campaignId}`,
              blocId,
              text: t("review:published_notice", {
                campaign: ranking.campaign.title,
                unit: unit.unitName,
                standing: describeStanding(t, unit, ranked),
              }),
            }),
          ];
        }),
        tx,
      );
    });
    this.nudge();
    return { ...ranking, publishedAt: now };
  }
}
