import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Language } from "../../core/roles.ts";
import type { Db, Prisma } from "../../db/client.ts";
import type { Outbox } from "../../delivery/outbox.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translator } from "../../i18n/translator.ts";
import { memberActor, recordAudit } from "../../services/auditLog.ts";
import { reachUnits } from "../../services/recipients.ts";
import type { ReportStatus } from "../reports/schema.ts";

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
  criteria: {
    id: number;
    title: string;
    maxScore: number;
    self: number | null;
    reviewed: number | null;
  }[];
}

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
          criteria: {
            where: { maxScore: { not: null } },
            orderBy: { position: "asc" },
            select: { id: true, text: true, maxScore: true },
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
    criteria: row.deadline.campaign.criteria.map((c) => ({
      id: c.id,
      title: c.text,
      maxScore: c.maxScore ?? 0,
      self: scoreOf.get(c.id)?.self ?? null,
      reviewed: scoreOf.get(c.id)?.reviewed ?? null,
    })),
  };
}

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

  /** Accepts the report; its self-scores become the reviewed ones. */
  approve(blocId: number, reportId: number, version: number, reviewerId: number) {
    return this.db.$transaction(async (tx) => {
      const item = await this.#claim(tx, blocId, reportId, version, "APPROVED");
      for (const c of item.criteria) {
        if (c.self === null) continue;
        await tx.reportScore.update({
          where: { reportId_criterionId: { reportId, criterionId: c.id } },
          data: { reviewed: c.self },
        });
      }
      await this.#decide(tx, blocId, item, reviewerId, "APPROVE", "", {});
      return item;
    });
  }

  /** Scores every scored criterion; each within its scale. */
  score(
    blocId: number,
    reportId: number,
    version: number,
    reviewerId: number,
    points: Record<number, number>,
  ) {
    return this.db.$transaction(async (tx) => {
      const item = await this.#claim(tx, blocId, reportId, version, "SCORED");
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
      await this.#decide(tx, blocId, item, reviewerId, "SCORE", "", points);
      return item;
    });
  }

  /** Sends the report back with a reason, which the unit's focal points receive. */
  returnReport(
    blocId: number,
    reportId: number,
    version: number,
    reviewerId: number,
    reason: string,
  ) {
    const why = reason.trim().slice(0, 1000);
    if (!why) throw new AppError("reason_required");
    return this.db.$transaction(async (tx) => {
      const item = await this.#claim(tx, blocId, reportId, version, "RETURNED");
      await this.#decide(tx, blocId, item, reviewerId, "RETURN", why, {});
      const bloc = await tx.bloc.findUniqueOrThrow({ where: { id: blocId } });
      const { recipients } = await reachUnits(
        tx,
        blocId,
        [item.unitId],
        "focal",
        this.defaultLanguage,
      );
      const now = this.clock.now();
      await this.outbox.enqueue(
        recipients.map((r) => ({
          kind: "REVIEW" as const,
          dedupeKey: `review:${reportId}:${version}:chat:${r.chatId}`,
          blocId,
          platform: r.platform,
          platformChatId: r.platformChatId,
          chatKind: r.chatKind,
          chatId: r.chatId,
          text: this.translator.for(r.language)("review:returned_notice", {
            unit: item.unitName,
            campaign: item.campaignTitle,
            deadline: formatDateTime(item.dueAt, bloc.timezone),
            reason: why,
            at: formatDateTime(now, bloc.timezone),
          }),
        })),
        tx,
      );
      return { item, notified: recipients.length };
    });
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

  /** The report's photos (their hashes, which address them in the dashboard). */
  async photos(blocId: number, reportId: number): Promise<string[]> {
    const rows = await this.db.evidence.findMany({
      where: { reportId, unit: { blocId } },
      select: { sha256: true },
      orderBy: { id: "asc" },
    });
    return rows.map((r) => r.sha256);
  }

  /** Every decision on a report, oldest first, with who made it. */
  history(reportId: number) {
    return this.db.reviewDecision.findMany({
      where: { reportId },
      orderBy: { id: "asc" },
      include: { member: { select: { displayName: true } } },
    });
  }

  /** Moves the report to `state` if it is still the version the reviewer saw. */
  async #claim(tx: Tx, blocId: number, reportId: number, version: number, state: ReviewState) {
    const row = await tx.report.findFirst({
      where: { id: reportId, unit: { blocId } },
      include: ITEM,
    });
    if (!row) throw new AppError("not_found");
    const moved = await tx.report.updateMany({
      where: { id: reportId, reviewVersion: version },
      data: { reviewState: state, reviewVersion: { increment: 1 } },
    });
    if (moved.count !== 1) throw new AppError("review_changed");
    return toItem(row);
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
    await tx.reviewDecision.create({
      data: {
        reportId: item.reportId,
        memberId: reviewerId,
        action,
        reason,
        scores: JSON.stringify(scores),
        at: this.clock.now(),
      },
    });
    await recordAudit(tx, {
      actor: memberActor(reviewerId),
      action: `review.${action.toLowerCase()}`,
      blocId,
      details: { reportId: item.reportId, unitId: item.unitId, reason, scores },
    });
    if (action === "RETURN") this.nudge();
  }
}
