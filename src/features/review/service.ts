import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Language } from "../../core/roles.ts";
import type { Db, Prisma } from "../../db/client.ts";
import type { Outbox } from "../../delivery/outbox.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate, Translator } from "../../i18n/translator.ts";
import { memberActor, recordAudit } from "../../services/auditLog.ts";
import { deliveryTo, reachUnits } from "../../services/recipients.ts";
import type { ReportStatus } from "../reports/schema.ts";
import { describeCriteria, describeTotal, weightedTotal } from "./score.ts";

export type ReviewState = "AWAITING" | "APPROVED" | "RETURNED" | "SCORED";

/** A report as a reviewer sees it: what the unit said, its self-scores and photos. */
export interface ReviewItem {
  reportId: number;
  version: number;
  state: ReviewState;
  unitId: number;
  unitName: string;
  campaignId: number;
  campaignTitle: string;
  dueAt: Date;
  status: ReportStatus;
  note: string;
  late: boolean;
  photos: number;
  /** The campaign's result is published (công bố): any change is a correction. */
  published: boolean;
  criteria: {
    id: number;
    title: string;
    maxScore: number;
    weight: number;
    self: number | null;
    reviewed: number | null;
  }[];
}

/** A decision on this item changes a result already stood behind, so it needs a reason. */
export const isCorrection = (item: Pick<ReviewItem, "state" | "published">) =>
  item.published || item.state === "APPROVED" || item.state === "SCORED";

/** The criteria a scored campaign's report lacks a self-score for (approving needs them all). */
export const unscoredCriteria = (item: ReviewItem) => item.criteria.filter((c) => c.self === null);

type Tx = Prisma.TransactionClient;

const ITEM = {
  unit: { select: { id: true, name: true, blocId: true } },
  deadline: {
    select: {
      dueAt: true,
      campaign: {
        select: {
          id: true,
          title: true,
          publishedAt: true,
          criteria: {
            where: { maxScore: { not: null } },
            orderBy: { position: "asc" },
            select: { id: true, text: true, maxScore: true, weight: true },
          },
        },
      },
    },
  },
  scores: { select: { criterionId: true, self: true, reviewed: true } },
  _count: { select: { evidence: true } },
} as const;

type ItemRow = Prisma.ReportGetPayload<{ include: typeof ITEM }>;

function toItem(row: ItemRow): ReviewItem {
  const scoreOf = new Map(row.scores.map((s) => [s.criterionId, s]));
  return {
    reportId: row.id,
    version: row.reviewVersion,
    state: row.reviewState as ReviewState,
    unitId: row.unit.id,
    unitName: row.unit.name,
    campaignId: row.deadline.campaign.id,
    campaignTitle: row.deadline.campaign.title,
    dueAt: row.deadline.dueAt,
    status: row.status as ReportStatus,
    note: row.note,
    late: row.late,
    photos: row._count.evidence,
    published: row.deadline.campaign.publishedAt !== null,
    criteria: row.deadline.campaign.criteria.map((c) => ({
      id: c.id,
      title: c.text,
      maxScore: c.maxScore ?? 0,
      weight: c.weight,
      self: scoreOf.get(c.id)?.self ?? null,
      reviewed: scoreOf.get(c.id)?.reviewed ?? null,
    })),
  };
}

/** The weighted total of the item's self-scores, or of the points given. */
export const totalOf = (item: ReviewItem, points?: Record<number, number>) =>
  weightedTotal(
    item.criteria,
    new Map(item.criteria.map((c) => [c.id, points ? (points[c.id] ?? 0) : (c.self ?? 0)])),
  );

/**
 * The bloc's judgement of reports: each submitted version waits for review, then
 * is approved (its self-scores confirmed), returned with a reason (the unit's focal
 * points are told, in their language) or scored per criterion. Every decision is
 * kept and audited; a decision applies only to the version it was made on, so two
 * reviewers at once, or a unit's new version, make the later one start again.
 */
export class ReviewService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly translator: Translator,
    private readonly defaultLanguage: Language,
    private readonly nudge: () => void = () => {},
  ) {}

  /** The oldest report waiting for review in the bloc, past `afterId` when skipping. */
  async next(blocId: number, afterId = 0): Promise<ReviewItem | null> {
    const row = await this.db.report.findFirst({
      where: {
        reviewState: "AWAITING",
        id: { gt: afterId },
        unit: { blocId },
        deadline: { campaign: { status: { in: ["ACTIVE", "CLOSED"] } } },
      },
      include: ITEM,
      orderBy: { id: "asc" },
    });
    return row ? toItem(row) : null;
  }

  async waiting(blocId: number): Promise<ReviewItem[]> {
    const rows = await this.db.report.findMany({
      where: { reviewState: "AWAITING", unit: { blocId } },
      include: ITEM,
      orderBy: { id: "asc" },
      take: 100,
    });
    return rows.map(toItem);
  }

  async get(blocId: number, reportId: number): Promise<ReviewItem> {
    const row = await this.db.report.findFirst({
      where: { id: reportId, unit: { blocId } },
      include: ITEM,
    });
    if (!row) throw new AppError("not_found");
    return toItem(row);
  }

  /**
   * Accepts the report: its self-scores become the reviewed ones. In a scored
   * campaign every criterion needs a self-score (else the reviewer scores it or
   * returns it: approving never records 0). A change to a reviewed or published
   * result needs a reason.
   */
  async approve(
    blocId: number,
    reportId: number,
    version: number,
    reviewerId: number,
    reason = "",
  ) {
    const result = await this.db.$transaction(async (tx) => {
      const item = await this.#claim(tx, blocId, reportId, version, "APPROVED", reason);
      const missing = unscoredCriteria(item);
      if (missing.length) {
        throw new AppError("approve_needs_scores", {
          criteria: missing.map((c) => c.title).join(", "),
        });
      }
      for (const c of item.criteria) {
        await tx.reportScore.update({
          where: { reportId_criterionId: { reportId, criterionId: c.id } },
          data: { reviewed: c.self },
        });
      }
      const points = Object.fromEntries(item.criteria.map((c) => [c.id, c.self ?? 0]));
      await this.#decide(tx, blocId, item, reviewerId, "APPROVE", reason, points);
      await this.#tellUnit(tx, blocId, item, "approved", points, reason);
      return { item, total: totalOf(item) };
    });
    this.nudge();
    return result;
  }

  /** Scores every scored criterion, each within its scale; answers the weighted total. */
  async score(
    blocId: number,
    reportId: number,
    version: number,
    reviewerId: number,
    points: Record<number, number>,
    reason = "",
  ) {
    const result = await this.db.$transaction(async (tx) => {
      const item = await this.#claim(tx, blocId, reportId, version, "SCORED", reason);
      if (item.criteria.length === 0) throw new AppError("not_scored");
      for (const c of item.criteria) {
        const value = points[c.id];
        if (value === undefined || !Number.isFinite(value) || value < 0 || value > c.maxScore) {
          throw new AppError("score_out_of_range", { max: String(c.maxScore) });
        }
        await tx.reportScore.upsert({
          where: { reportId_criterionId: { reportId, criterionId: c.id } },
          create: { reportId, criterionId: c.id, reviewed: value },
          update: { reviewed: value },
        });
      }
      await this.#decide(tx, blocId, item, reviewerId, "SCORE", reason, points);
      await this.#tellUnit(tx, blocId, item, "scored", points, reason);
      return { item, total: totalOf(item, points) };
    });
    this.nudge();
    return result;
  }

  /** Sends the report back with a reason, which the unit's focal points receive. */
  async returnReport(
    blocId: number,
    reportId: number,
    version: number,
    reviewerId: number,
    reason: string,
  ) {
    const why = reason.trim().slice(0, 1000);
    if (!why) throw new AppError("reason_required");
    const result = await this.db.$transaction(async (tx) => {
      const item = await this.#claim(tx, blocId, reportId, version, "RETURNED", why);
      await this.#decide(tx, blocId, item, reviewerId, "RETURN", why, {});
      const notified = await this.#tellUnit(tx, blocId, item, "returned", {}, why);
      return { item, notified };
    });
    this.nudge();
    return result;
  }

  /** Why the unit's report for a deadline was returned, when it was and is still. */
  async returned(unitId: number, deadlineId: number) {
    const report = await this.db.report.findUnique({
      where: { unitId_deadlineId: { unitId, deadlineId } },
      include: {
        decisions: { where: { action: "RETURN" }, orderBy: { id: "desc" }, take: 1 },
        scores: true,
      },
    });
    if (report?.reviewState !== "RETURNED") return null;
    return {
      reason: report.decisions[0]?.reason ?? "",
      status: report.status as ReportStatus,
      note: report.note,
      selfScores: Object.fromEntries(
        report.scores.flatMap((s) => (s.self === null ? [] : [[String(s.criterionId), s.self]])),
      ) as Record<string, number>,
    };
  }

  /**
   * A page of the report's photos in the order they came, from just after the photo
   * `after` (an id, the page's cursor), whether more follow, and how many it has.
   */
  async photoPage(
    blocId: number,
    reportId: number,
    page: { take: number; after?: number | undefined },
  ): Promise<{ photos: { id: number; sha256: string }[]; total: number; more: boolean }> {
    const where = { reportId, unit: { blocId } };
    const [rows, total] = await Promise.all([
      this.db.evidence.findMany({
        where: { ...where, ...(page.after ? { id: { gt: page.after } } : {}) },
        select: { id: true, sha256: true },
        orderBy: { id: "asc" },
        take: page.take + 1,
      }),
      this.db.evidence.count({ where }),
    ]);
    return { photos: rows.slice(0, page.take), total, more: rows.length > page.take };
  }

  /** Every decision on a report, oldest first, with who made it. */
  history(reportId: number) {
    return this.db.reviewDecision.findMany({
      where: { reportId },
      orderBy: { id: "asc" },
      include: { member: { select: { displayName: true } } },
    });
  }

  /**
   * Moves the report to `state` if it is still the version the reviewer saw; a
   * change to a reviewed or published result without a reason is refused.
   */
  async #claim(
    tx: Tx,
    blocId: number,
    reportId: number,
    version: number,
    state: ReviewState,
    reason: string,
  ) {
    const row = await tx.report.findFirst({
      where: { id: reportId, unit: { blocId } },
      include: ITEM,
    });
    if (!row) throw new AppError("not_found");
    const item = toItem(row);
    // A decision made on an older version is refused as such, before anything else.
    if (row.reviewVersion !== version) throw new AppError("review_changed");
    if (isCorrection(item) && !reason.trim()) throw new AppError("correction_reason_required");
    const moved = await tx.report.updateMany({
      where: { id: reportId, reviewVersion: version },
      // updatedAt is when the unit last submitted (the late rule and the tie rule read
      // it): a decision must not move it, which Prisma's @updatedAt would.
      data: { reviewState: state, reviewVersion: { increment: 1 }, updatedAt: row.updatedAt },
    });
    if (moved.count !== 1) throw new AppError("review_changed");
    return item;
  }

  async #decide(
    tx: Tx,
    blocId: number,
    item: ReviewItem,
    reviewerId: number,
    action: "APPROVE" | "RETURN" | "SCORE",
    reason: string,
    scores: Record<number, number>,
  ) {
    const correction = isCorrection(item);
    await tx.reviewDecision.create({
      data: {
        reportId: item.reportId,
        memberId: reviewerId,
        action,
        reason: reason.trim().slice(0, 1000),
        scores: JSON.stringify(scores),
        correction,
        at: this.clock.now(),
      },
    });
    await recordAudit(tx, {
      at: this.clock.now(),
      actor: memberActor(reviewerId),
      action: `review.${action.toLowerCase()}`,
      blocId,
      details: {
        reportId: item.reportId,
        unitId: item.unitId,
        reason,
        scores,
        correction,
        ...(correction
          ? { before: Object.fromEntries(item.criteria.map((c) => [c.id, c.reviewed])) }
          : {}),
      },
    });
  }

  /**
   * Tells the unit's focal points the outcome, each in their language: approved or
   * scored (each criterion and the weighted total), or returned with the reason.
   */
  async #tellUnit(
    tx: Tx,
    blocId: number,
    item: ReviewItem,
    outcome: "approved" | "scored" | "returned",
    points: Record<number, number>,
    reason: string,
  ): Promise<number> {
    const bloc = await tx.bloc.findUniqueOrThrow({ where: { id: blocId } });
    const { recipients } = await reachUnits(
      tx,
      blocId,
      [item.unitId],
      "focal",
      this.defaultLanguage,
    );
    const now = this.clock.now();
    const text = (t: Translate) => {
      const params = {
        unit: item.unitName,
        campaign: item.campaignTitle,
        deadline: formatDateTime(item.dueAt, bloc.timezone),
        reason,
        at: formatDateTime(now, bloc.timezone),
      };
      if (outcome === "returned") return t("review:returned_notice", params);
      const lines = [
        t(`review:${outcome}_notice`, {
          ...params,
          total: describeTotal(t, totalOf(item, points)),
        }),
        ...describeCriteria(
          t,
          item.criteria.map((c) => ({ ...c, points: points[c.id] ?? null })),
        ).map((line) => `• ${line}`),
      ];
      if (isCorrection(item) && reason) lines.push(t("review:correction_notice", { reason }));
      return lines.join("\n");
    };
    await this.outbox.enqueue(
      recipients.map((r) =>
        deliveryTo(r, {
          kind: "REVIEW",
          key: `review:${item.reportId}:${item.version}`,
          blocId,
          text: text(this.translator.for(r.language)),
        }),
      ),
      tx,
    );
    return recipients.length;
  }
}
