import { type Clock, DAY } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Db } from "../../db/client.ts";
import { countedUnits } from "../../services/activeUnits.ts";
import { type AuditActor, recordAudit } from "../../services/auditLog.ts";
import {
  DEFAULT_THRESHOLDS,
  type LateRule,
  type Thresholds,
  thresholdsSchema,
} from "../campaigns/criteria.ts";
import { CampaignService, type CampaignSummary } from "../campaigns/service.ts";
import type { ServiceDeps } from "../serviceDeps.ts";
import { round2, weightedTotal } from "./score.ts";

/**
 * Where a unit's figure stands: every counted report reviewed (approved or scored),
 * some version still awaiting review (its figure uses the unit's own scores), only
 * returned versions (they count nothing), or no report at all.
 */
export type UnitReviewState = "reviewed" | "awaiting" | "returned" | "none";

export interface RankedCriterion {
  id: number;
  title: string;
  maxScore: number;
  weight: number;
  /** Averages over the deadlines counted; null when no report gave one. */
  self: number | null;
  reviewed: number | null;
  /** What counts: reviewed points; the unit's own while a version awaits review; 0 for a returned one. */
  used: number;
  source: "reviewed" | "self" | "none";
}

export interface RankedUnit {
  /** Place among the ranked units; null for a unit not ranked (not reviewed, out by the late rule). */
  rank: number | null;
  unitId: number;
  unitName: string;
  criteria: RankedCriterion[];
  /** Weighted points before and after the late rule, and the most there are. */
  points: number;
  deduction: number;
  total: number;
  max: number;
  percent: number;
  lateReports: number;
  onTimeReports: number;
  awaitingReports: number;
  returnedReports: number;
  lastSubmittedAt: Date | null;
  eligible: boolean;
  /** xếp loại, for ranked units only. */
  classLabel: string | null;
  reviewState: UnitReviewState;
  /** The figure is not a reviewed one (awaiting, returned or no report). */
  provisional: boolean;
}

export interface Correction {
  unitName: string;
  reviewer: string;
  at: Date;
  reason: string;
  action: string;
}

export interface CampaignRanking {
  campaign: CampaignSummary;
  thresholds: Thresholds;
  lateRule: LateRule;
  /** The bloc ranks self-scores where no review exists yet (labelled as such). */
  rankSelfScores: boolean;
  /** The deadlines whose reports count: those due by now (all, before the first is due). */
  deadlinesCounted: number;
  publishedAt: Date | null;
  /** Decisions that changed a reviewed or published result, oldest first. */
  corrections: Correction[];
  units: RankedUnit[];
}

/** What the tie rule needs of a result; a campaign's unit and a year's unit both have it. */
export interface Comparable {
  percent: number;
  onTimeReports: number;
  lastSubmittedAt: Date | null;
  unitName: string;
  unitId: number;
}

const collator = new Intl.Collator("vi");

/**
 * The one tie rule, for a campaign and for a year: the higher percentage; then more
 * reports on time; then the earlier last submission (never submitted goes after);
 * then the unit's name in Vietnamese order, so equal units never swap between views.
 */
export function compareResults(a: Comparable, b: Comparable): number {
  const last = (x: Comparable) => x.lastSubmittedAt?.getTime() ?? Number.MAX_SAFE_INTEGER;
  return (
    b.percent - a.percent ||
    b.onTimeReports - a.onTimeReports ||
    last(a) - last(b) ||
    collator.compare(a.unitName, b.unitName) ||
    a.unitId - b.unitId
  );
}

/** The order of the groups: ranked, then awaiting review, returned, no report. */
const GROUP: Record<UnitReviewState, number> = { reviewed: 0, awaiting: 1, returned: 2, none: 3 };

const isReviewed = (state: string) => state === "APPROVED" || state === "SCORED";

export function unitStateOf(reports: { reviewState: string }[]): UnitReviewState {
  if (reports.some((r) => r.reviewState === "AWAITING")) return "awaiting";
  if (reports.some((r) => isReviewed(r.reviewState))) return "reviewed";
  if (reports.length > 0) return "returned";
  return "none";
}

/**
 * Puts rows in the bloc's order and numbers the ranked ones: reviewed results (and,
 * when the bloc says so, self-scores awaiting review) by the tie rule, those the late
 * rule puts out after them, then awaiting, returned, none.
 */
export function orderResults<
  R extends Comparable & { reviewState: UnitReviewState; eligible: boolean },
>(rows: R[], rankSelfScores: boolean): (R & { rank: number | null })[] {
  const ranked = (r: R) =>
    r.reviewState === "reviewed" || (rankSelfScores && r.reviewState === "awaiting");
  const group = (r: R) => (ranked(r) ? (r.eligible ? 0 : 1) : 1 + GROUP[r.reviewState]);
  const sorted = [...rows].sort((a, b) => group(a) - group(b) || compareResults(a, b));
  let place = 0;
  return sorted.map((r) => ({ ...r, rank: ranked(r) && r.eligible ? ++place : null }));
}

const classOf = (thresholds: Thresholds, percent: number) =>
  thresholds.find((t) => percent >= t.min)?.label ?? thresholds.at(-1)?.label ?? null;

/**
 * bình xét, xếp loại: each unit's reviewed scores, weighted, averaged over the
 * deadlines due, minus the late rule, as a percentage of the weighted scale
 * (score.ts); only reviewed results rank unless the bloc chose to rank self-scores;
 * the tie rule is compareResults; the class comes from the thresholds.
 */
export class RankingService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly campaigns: CampaignService,
  ) {}

  /** A bloc's own classification, used by its campaigns that set none. */
  async setBlocThresholds(blocId: number, thresholds: Thresholds, actor: AuditActor) {
    const parsed = thresholdsSchema.parse(thresholds);
    await this.db.bloc.update({
      where: { id: blocId },
      data: { thresholds: JSON.stringify(parsed) },
    });
    await recordAudit(this.db, {
      at: this.clock.now(),
      actor,
      action: "bloc.thresholds",
      blocId,
      details: { parsed },
    });
    return parsed;
  }

  /** Whether units awaiting review rank on their own scores (labelled), or after the reviewed. */
  async setRankSelfScores(blocId: number, on: boolean, actor: AuditActor) {
    await this.db.bloc.update({ where: { id: blocId }, data: { rankSelfScores: on } });
    await recordAudit(this.db, {
      at: this.clock.now(),
      actor,
      action: "bloc.rank_self_scores",
      blocId,
      details: { on },
    });
    return on;
  }

  async rankSelfScores(blocId: number): Promise<boolean> {
    const bloc = await this.db.bloc.findUniqueOrThrow({
      where: { id: blocId },
      select: { rankSelfScores: true },
    });
    return bloc.rankSelfScores;
  }

  async blocThresholds(blocId: number): Promise<Thresholds> {
    const bloc = await this.db.bloc.findUniqueOrThrow({
      where: { id: blocId },
      select: { thresholds: true },
    });
    return bloc.thresholds
      ? thresholdsSchema.catch(DEFAULT_THRESHOLDS).parse(JSON.parse(bloc.thresholds))
      : DEFAULT_THRESHOLDS;
  }

  async thresholdsOf(blocId: number, campaign: CampaignSummary): Promise<Thresholds> {
    return campaign.thresholds ?? this.blocThresholds(blocId);
  }

  async campaign(blocId: number, campaignId: number): Promise<CampaignRanking> {
    const campaign = await this.campaigns.get(blocId, campaignId);
    const scale = campaign.criteriaScale.flatMap((c) =>
      c.maxScore === null ? [] : [{ ...c, maxScore: c.maxScore }],
    );
    if (scale.length === 0) throw new AppError("not_scored");
    const now = this.clock.now();
    const due = campaign.deadlines.filter((d) => d.dueAt <= now);
    const [allUnits, reports, thresholds, rankSelfScores, published, corrections] =
      await Promise.all([
        this.db.unit.findMany({
          where: { blocId },
          select: { id: true, name: true, retiredAt: true },
          orderBy: { id: "asc" },
        }),
        this.db.report.findMany({
          where: { deadline: { campaignId } },
          select: {
            unitId: true,
            deadlineId: true,
            late: true,
            updatedAt: true,
            reviewState: true,
            scores: { select: { criterionId: true, self: true, reviewed: true } },
          },
        }),
        this.thresholdsOf(blocId, campaign),
        this.rankSelfScores(blocId),
        this.db.campaign.findUniqueOrThrow({
          where: { id: campaignId },
          select: { publishedAt: true },
        }),
        this.db.reviewDecision.findMany({
          where: { correction: true, report: { deadline: { campaignId } } },
          orderBy: { id: "asc" },
          select: {
            at: true,
            reason: true,
            action: true,
            member: { select: { displayName: true } },
            report: { select: { unit: { select: { name: true } } } },
          },
        }),
      ]);
    // A retired unit is ranked only where it reported; its silence is not news.
    const units = countedUnits(allUnits, new Set(reports.map((r) => r.unitId)));
    const counted = new Set(
      (due.length > 0
        ? due
        : campaign.deadlines.filter((d) => reports.some((r) => r.deadlineId === d.id))
      ).map((d) => d.id),
    );
    const dueAt = new Map(campaign.deadlines.map((d) => [d.id, d.dueAt]));
    const byUnit = new Map<number, typeof reports>();
    for (const r of reports) {
      if (!counted.has(r.deadlineId)) continue;
      byUnit.set(r.unitId, [...(byUnit.get(r.unitId) ?? []), r]);
    }
    const deadlines = Math.max(1, counted.size);
    const perDay = campaign.lateRule.startsWith("deduct:")
      ? Number(campaign.lateRule.slice("deduct:".length))
      : 0;

    const rows = units.map((unit) => {
      const own = byUnit.get(unit.id) ?? [];
      const reviewState = unitStateOf(own);
      const criteria: RankedCriterion[] = scale.map((c) => {
        const scores = own.flatMap((r) => r.scores.filter((s) => s.criterionId === c.id));
        const average = (pick: (s: (typeof scores)[number]) => number | null) => {
          const values = scores.map(pick).filter((v): v is number => v !== null);
          return values.length ? values.reduce((a, b) => a + b, 0) / deadlines : null;
        };
        // Per deadline: a reviewed version's points; the unit's own while awaiting; a returned one gives 0.
        let usedSum = 0;
        let source: RankedCriterion["source"] = "none";
        for (const r of own) {
          const s = r.scores.find((x) => x.criterionId === c.id);
          if (isReviewed(r.reviewState)) {
            usedSum += s?.reviewed ?? 0;
            if (source === "none") source = "reviewed";
          } else if (r.reviewState === "AWAITING") {
            usedSum += s?.self ?? 0;
            source = "self";
          }
        }
        const reviewed = average((s) => s.reviewed);
        const self = average((s) => s.self);
        return {
          id: c.id,
          title: c.title,
          maxScore: c.maxScore,
          weight: c.weight,
          self: self === null ? null : round2(self),
          reviewed: reviewed === null ? null : round2(reviewed),
          used: round2(usedSum / deadlines),
          source,
        };
      });
      const { points, max } = weightedTotal(scale, new Map(criteria.map((c) => [c.id, c.used])));
      const late = own.filter((r) => r.late && r.reviewState !== "RETURNED");
      const lateDays = late.reduce((sum, r) => {
        const due = dueAt.get(r.deadlineId)?.getTime() ?? r.updatedAt.getTime();
        return sum + Math.max(1, Math.ceil((r.updatedAt.getTime() - due) / DAY));
      }, 0);
      const deduction = round2(perDay * lateDays);
      const total = round2(Math.max(0, points - deduction));
      const percent = max > 0 ? round2((total / max) * 100) : 0;
      const eligible = !(campaign.lateRule === "ineligible" && late.length > 0);
      const last = own.reduce((latest, r) => Math.max(latest, r.updatedAt.getTime()), 0);
      return {
        unitId: unit.id,
        unitName: unit.name,
        criteria,
        points: round2(points),
        deduction,
        total,
        max,
        percent,
        lateReports: late.length,
        onTimeReports: own.filter((r) => !r.late && r.reviewState !== "RETURNED").length,
        awaitingReports: own.filter((r) => r.reviewState === "AWAITING").length,
        returnedReports: own.filter((r) => r.reviewState === "RETURNED").length,
        lastSubmittedAt: last ? new Date(last) : null,
        eligible,
        reviewState,
        provisional: reviewState !== "reviewed",
      };
    });
    const ordered = orderResults(rows, rankSelfScores).map((row) => ({
      ...row,
      classLabel: row.rank === null ? null : classOf(thresholds, row.percent),
    }));
    return {
      campaign,
      thresholds,
      lateRule: campaign.lateRule,
      rankSelfScores,
      deadlinesCounted: counted.size,
      publishedAt: published.publishedAt,
      corrections: corrections.map((d) => ({
        unitName: d.report.unit.name,
        reviewer: d.member.displayName,
        at: d.at,
        reason: d.reason,
        action: d.action,
      })),
      units: ordered,
    };
  }

  /**
   * The year: each unit's mean percentage over the year's scored campaigns (0 where
   * the late rule put it out), its state the least settled of its campaigns', in the
   * same order and by the same tie rule as a campaign. `within` narrows the year (a
   * half for the sơ kết).
   */
  async year(blocId: number, year: number, within?: (c: CampaignSummary) => boolean) {
    const campaigns = (await this.campaigns.list(blocId, ["ACTIVE", "CLOSED"])).filter(
      (c) =>
        c.endsAt.getUTCFullYear() === year &&
        c.criteriaScale.some((x) => x.maxScore !== null) &&
        (within?.(c) ?? true),
    );
    const rankings = await Promise.all(campaigns.map((c) => this.campaign(blocId, c.id)));
    const [thresholds, rankSelfScores] = await Promise.all([
      this.blocThresholds(blocId),
      this.rankSelfScores(blocId),
    ]);
    const units = new Map<number, { name: string; rows: RankedUnit[] }>();
    for (const ranking of rankings) {
      for (const row of ranking.units) {
        const entry = units.get(row.unitId) ?? { name: row.unitName, rows: [] };
        entry.rows.push(row);
        units.set(row.unitId, entry);
      }
    }
    const rows = [...units].map(([unitId, u]) => {
      const percent = round2(
        u.rows.reduce((a, r) => a + (r.eligible ? r.percent : 0), 0) / Math.max(1, u.rows.length),
      );
      const states = u.rows.map((r) => r.reviewState);
      const reviewState: UnitReviewState = states.includes("awaiting")
        ? "awaiting"
        : states.includes("reviewed")
          ? "reviewed"
          : states.includes("returned")
            ? "returned"
            : "none";
      const last = Math.max(0, ...u.rows.map((r) => r.lastSubmittedAt?.getTime() ?? 0));
      return {
        unitId,
        unitName: u.name,
        percent,
        onTimeReports: u.rows.reduce((a, r) => a + r.onTimeReports, 0),
        lastSubmittedAt: last ? new Date(last) : null,
        eligible: true,
        reviewState,
        provisional: reviewState !== "reviewed",
      };
    });
    return {
      year,
      rankSelfScores,
      campaigns: campaigns.map((c) => ({ id: c.id, title: c.title })),
      units: orderResults(rows, rankSelfScores).map((r) => ({
        ...r,
        classLabel: r.rank === null ? null : classOf(thresholds, r.percent),
      })),
    };
  }
}

/** The ranking over the process's infrastructure (the review and export features both use it). */
export const rankingService = (deps: ServiceDeps) =>
  new RankingService(deps.db, deps.clock, new CampaignService(deps.db, deps.clock));
