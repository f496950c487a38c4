import { type Clock, DAY } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Db } from "../../db/client.ts";
import { type AuditActor, recordAudit } from "../../services/auditLog.ts";
import {
  DEFAULT_THRESHOLDS,
  type LateRule,
  type Thresholds,
  thresholdsSchema,
} from "../campaigns/criteria.ts";
import { CampaignService, type CampaignSummary } from "../campaigns/service.ts";
import type { ServiceDeps } from "../registry.ts";

export interface RankedCriterion {
  id: number;
  title: string;
  maxScore: number;
  weight: number;
  /** Averages over the deadlines counted; null when no report gave one. */
  self: number | null;
  reviewed: number | null;
  /** What counts: the reviewed score, else the self-score (marked), else 0. */
  used: number;
  source: "reviewed" | "self" | "none";
}

export interface RankedUnit {
  rank: number;
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
  eligible: boolean;
  /** xếp loại; null for a unit the late rule put out of the ranking. */
  classLabel: string | null;
  /** Some score counted is the unit's own (no review yet). */
  usesSelfScores: boolean;
}

export interface CampaignRanking {
  campaign: CampaignSummary;
  thresholds: Thresholds;
  lateRule: LateRule;
  /** The deadlines whose reports count: those due by now (all, before the first is due). */
  deadlinesCounted: number;
  units: RankedUnit[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * bình xét, xếp loại: reviewed scores (a unit's own where no review exists, marked),
 * weighted, minus the late rule, as a percentage of the scale; ties broken by more
 * on-time reports, then the earlier last submission; the class from the thresholds.
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
    await recordAudit(this.db, { actor, action: "bloc.thresholds", blocId, details: { parsed } });
    return parsed;
  }

  async thresholdsOf(blocId: number, campaign: CampaignSummary): Promise<Thresholds> {
    if (campaign.thresholds) return campaign.thresholds;
    const bloc = await this.db.bloc.findUniqueOrThrow({ where: { id: blocId } });
    return bloc.thresholds
      ? thresholdsSchema.catch(DEFAULT_THRESHOLDS).parse(JSON.parse(bloc.thresholds))
      : DEFAULT_THRESHOLDS;
  }

  async campaign(blocId: number, campaignId: number): Promise<CampaignRanking> {
    const campaign = await this.campaigns.get(blocId, campaignId);
    const scale = campaign.criteriaScale.filter((c) => c.maxScore !== null);
    if (scale.length === 0) throw new AppError("not_scored");
    const now = this.clock.now();
    const due = campaign.deadlines.filter((d) => d.dueAt <= now);
    const [units, reports, thresholds] = await Promise.all([
      this.db.unit.findMany({
        where: { blocId },
        select: { id: true, name: true },
        orderBy: { id: "asc" },
      }),
      this.db.report.findMany({
        where: { deadline: { campaignId } },
        select: {
          unitId: true,
          deadlineId: true,
          late: true,
          updatedAt: true,
          scores: { select: { criterionId: true, self: true, reviewed: true } },
        },
      }),
      this.thresholdsOf(blocId, campaign),
    ]);
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
      const criteria: RankedCriterion[] = scale.map((c) => {
        const scores = own.flatMap((r) => r.scores.filter((s) => s.criterionId === c.id));
        const average = (pick: (s: (typeof scores)[number]) => number | null) => {
          const values = scores.map(pick).filter((v): v is number => v !== null);
          return values.length ? values.reduce((a, b) => a + b, 0) / deadlines : null;
        };
        // Per deadline: the reviewed score, else the unit's own; a missing report gives 0.
        const usedSum = own.reduce((sum, r) => {
          const s = r.scores.find((x) => x.criterionId === c.id);
          return sum + (s?.reviewed ?? s?.self ?? 0);
        }, 0);
        const reviewed = average((s) => s.reviewed);
        const self = average((s) => s.self);
        const source: RankedCriterion["source"] = scores.some(
          (s) => s.reviewed === null && s.self !== null,
        )
          ? "self"
          : reviewed !== null
            ? "reviewed"
            : "none";
        return {
          id: c.id,
          title: c.title,
          maxScore: c.maxScore ?? 0,
          weight: c.weight,
          self: self === null ? null : round2(self),
          reviewed: reviewed === null ? null : round2(reviewed),
          used: round2(usedSum / deadlines),
          source,
        };
      });
      const points = criteria.reduce((sum, c) => sum + c.used * c.weight, 0);
      const max = criteria.reduce((sum, c) => sum + c.maxScore * c.weight, 0);
      const late = own.filter((r) => r.late);
      const lateDays = late.reduce((sum, r) => {
        const due = dueAt.get(r.deadlineId)?.getTime() ?? r.updatedAt.getTime();
        return sum + Math.max(1, Math.ceil((r.updatedAt.getTime() - due) / DAY));
      }, 0);
      const deduction = round2(perDay * lateDays);
      const total = round2(Math.max(0, points - deduction));
      const percent = max > 0 ? round2((total / max) * 100) : 0;
      const eligible = !(campaign.lateRule === "ineligible" && late.length > 0);
      return {
        rank: 0,
        unitId: unit.id,
        unitName: unit.name,
        criteria,
        points: round2(points),
        deduction,
        total,
        max,
        percent,
        lateReports: late.length,
        onTimeReports: own.length - late.length,
        eligible,
        classLabel: eligible
          ? (thresholds.find((t) => percent >= t.min)?.label ?? thresholds.at(-1)?.label ?? null)
          : null,
        usesSelfScores: criteria.some((c) => c.source === "self"),
        lastSubmitted: own.reduce((latest, r) => Math.max(latest, r.updatedAt.getTime()), 0),
      };
    });
    rows.sort(
      (a, b) =>
        Number(b.eligible) - Number(a.eligible) ||
        b.percent - a.percent ||
        b.onTimeReports - a.onTimeReports ||
        (a.lastSubmitted || Number.MAX_SAFE_INTEGER) -
          (b.lastSubmitted || Number.MAX_SAFE_INTEGER) ||
        a.unitId - b.unitId,
    );
    return {
      campaign,
      thresholds,
      lateRule: campaign.lateRule,
      deadlinesCounted: counted.size,
      units: rows.map(({ lastSubmitted: _, ...row }, i) => ({ ...row, rank: i + 1 })),
    };
  }

  /** The year: each unit's mean percentage over the year's scored campaigns. */
  async year(blocId: number, year: number) {
    const campaigns = (await this.campaigns.list(blocId, ["ACTIVE", "CLOSED"])).filter(
      (c) => c.endsAt.getUTCFullYear() === year && c.criteriaScale.some((x) => x.maxScore !== null),
    );
    const rankings = await Promise.all(campaigns.map((c) => this.campaign(blocId, c.id)));
    const bloc = await this.db.bloc.findUniqueOrThrow({ where: { id: blocId } });
    const thresholds = bloc.thresholds
      ? thresholdsSchema.catch(DEFAULT_THRESHOLDS).parse(JSON.parse(bloc.thresholds))
      : DEFAULT_THRESHOLDS;
    const units = new Map<number, { name: string; percents: number[] }>();
    for (const ranking of rankings) {
      for (const row of ranking.units) {
        const entry = units.get(row.unitId) ?? { name: row.unitName, percents: [] };
        entry.percents.push(row.eligible ? row.percent : 0);
        units.set(row.unitId, entry);
      }
    }
    const rows = [...units].map(([unitId, u]) => {
      const percent = round2(
        u.percents.reduce((a, b) => a + b, 0) / Math.max(1, u.percents.length),
      );
      return {
        unitId,
        unitName: u.name,
        percent,
        classLabel: thresholds.find((t) => percent >= t.min)?.label ?? null,
      };
    });
    rows.sort((a, b) => b.percent - a.percent || a.unitId - b.unitId);
    return {
      year,
      campaigns: campaigns.map((c) => ({ id: c.id, title: c.title })),
      units: rows.map((r, i) => ({ rank: i + 1, ...r })),
    };
  }
}

/** The ranking over the process's infrastructure (the review and export features both use it). */
export const rankingService = (deps: ServiceDeps) =>
  new RankingService(deps.db, deps.clock, new CampaignService(deps.db, deps.clock));
