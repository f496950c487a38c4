import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Platform } from "../../core/roles.ts";
import type { Db, Prisma } from "../../db/client.ts";
import { memberActor, recordAudit } from "../../services/auditLog.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import type { StoredPhoto } from "../evidence/service.ts";
import type { ReportStatus } from "./schema.ts";

export interface ReportInput {
  unitId: number;
  deadlineId: number;
  memberId: number;
  platform: Platform;
  status: ReportStatus;
  note: string;
  photos: (StoredPhoto & { criterionId?: number })[];
  caption?: string;
  /** The unit's own points per criterion (a campaign with a scale). */
  selfScores?: { criterionId: number; points: number }[];
}

export interface SavedReport {
  reportId: number;
  status: ReportStatus;
  late: boolean;
  replaced: boolean;
  photosAdded: number;
  photosAlreadyThere: number;
  photosTotal: number;
}

export interface UnitDeadlineStatus {
  campaignId: number;
  campaignTitle: string;
  deadlineId: number;
  dueAt: Date;
  report: { status: ReportStatus; late: boolean; photos: number; updatedAt: Date } | null;
}

type Tx = Prisma.TransactionClient;

/** Self-reports: one current report per unit and deadline, with every version kept. */
export class ReportService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * The deadline a quick report goes to: the nearest one still ahead, or the
   * last one when all have passed (the report is then late).
   */
  currentDeadline(campaign: CampaignSummary): { id: number; dueAt: Date } {
    const now = this.clock.now();
    const ahead = campaign.deadlines.find((d) => d.dueAt >= now);
    const chosen = ahead ?? campaign.deadlines.at(-1);
    if (!chosen) throw new AppError("nothing_to_report");
    return chosen;
  }

  /**
   * Deadlines a unit may report on: every one ahead, and past ones it has not
   * reported or whose report the bloc returned.
   */
  async reportableDeadlines(unitId: number, campaign: CampaignSummary) {
    const now = this.clock.now();
    const reported = new Set(
      (
        await this.db.report.findMany({
          where: {
            unitId,
            deadline: { campaignId: campaign.id },
            reviewState: { not: "RETURNED" },
          },
          select: { deadlineId: true },
        })
      ).map((r) => r.deadlineId),
    );
    const ahead = campaign.deadlines.filter((d) => d.dueAt >= now);
    const missed = campaign.deadlines.filter((d) => d.dueAt < now && !reported.has(d.id));
    return [...ahead, ...missed.reverse()].map((d) => ({ ...d, overdue: d.dueAt < now }));
  }

  /** Saves a full report, replacing the unit's current one and keeping the old as history. */
  submit(input: ReportInput): Promise<SavedReport> {
    return this.db.$transaction((tx) => this.#write(tx, input, "replace"));
  }

  /**
   * Attaches photos to the unit's report for a deadline, creating it "in progress"
   * when there is none (the quick photo report).
   */
  addEvidence(input: Omit<ReportInput, "status" | "note">): Promise<SavedReport> {
    return this.db.$transaction((tx) =>
      this.#write(tx, { ...input, status: "IN_PROGRESS", note: "" }, "keep"),
    );
  }

  async #write(tx: Tx, input: ReportInput, mode: "replace" | "keep"): Promise<SavedReport> {
    const now = this.clock.now();
    // Preconditions are checked again here, at commit: a form or button may be older
    // than the campaign's closing or the member's move to another unit.
    const [deadline, member] = await Promise.all([
      tx.deadline.findUnique({
        where: { id: input.deadlineId },
        include: { campaign: { select: { status: true, blocId: true } } },
      }),
      tx.member.findUnique({ where: { id: input.memberId }, select: { unitId: true } }),
    ]);
    if (!deadline) throw new AppError("not_found");
    if (deadline.campaign.status !== "ACTIVE") {
      throw new AppError("campaign_wrong_state", { status: deadline.campaign.status });
    }
    if (member?.unitId !== input.unitId) throw new AppError("forbidden");
    const late = now > deadline.dueAt;
    const key = { unitId_deadlineId: { unitId: input.unitId, deadlineId: input.deadlineId } };
    const existing = await tx.report.findUnique({ where: key });
    // A past deadline that was reported is closed to a new version (the form never offers it).
    const reopened = existing?.reviewState === "RETURNED";
    if (existing && late && mode === "replace" && !reopened) throw new AppError("stale_choice");

    let report = existing;
    if (!existing || mode === "replace") {
      // Times come from the injected clock, not the database's, so tests and replays agree.
      const fields = {
        status: input.status,
        note: input.note,
        memberId: input.memberId,
        late,
        updatedAt: now,
        // A new version waits for review again, and outdates any decision being made.
        reviewState: "AWAITING",
      };
      report = existing
        ? await tx.report.update({
            where: { id: existing.id },
            data: { ...fields, reviewVersion: { increment: 1 } },
          })
        : await tx.report.create({
            data: { unitId: input.unitId, deadlineId: input.deadlineId, ...fields, createdAt: now },
          });
      await tx.reportRevision.create({
        data: {
          reportId: report.id,
          memberId: input.memberId,
          status: input.status,
          note: input.note,
          late,
          at: now,
        },
      });
    }
    if (!report) throw new AppError("not_found");
    if (mode === "replace") await this.#saveSelfScores(tx, report.id, deadline.campaignId, input);

    const known = new Set(
      (
        await tx.evidence.findMany({
          // Only the hashes being added: a report with hundreds of photos reads a few rows.
          where: { reportId: report.id, sha256: { in: input.photos.map((p) => p.sha256) } },
          select: { sha256: true },
        })
      ).map((e) => e.sha256),
    );
    const fresh = input.photos.filter((p, i, all) => {
      const first = all.findIndex((q) => q.sha256 === p.sha256) === i;
      return first && !known.has(p.sha256);
    });
    for (const photo of fresh) {
      await tx.evidence.create({
        data: {
          reportId: report.id,
          unitId: input.unitId,
          memberId: input.memberId,
          platform: input.platform,
          platformFileId: photo.platformFileId,
          sha256: photo.sha256,
          storageKey: photo.storageKey,
          size: photo.size,
          mimeType: photo.mimeType,
          width: photo.width,
          height: photo.height,
          caption: input.caption ?? "",
          criterionId: photo.criterionId ?? null,
          receivedAt: now,
        },
      });
    }
    await recordAudit(tx, {
      actor: memberActor(input.memberId),
      action: mode === "replace" ? "report.submit" : "report.evidence",
      blocId: deadline.campaign.blocId,
      details: { reportId: report.id, status: report.status, late, photos: fresh.length },
    });
    return {
      reportId: report.id,
      status: report.status as ReportStatus,
      late: report.late,
      replaced: existing !== null && mode === "replace",
      photosAdded: fresh.length,
      photosAlreadyThere: input.photos.length - fresh.length,
      photosTotal: known.size + fresh.length,
    };
  }

  /** Self-scores checked against the campaign's scale; a version replaces the last one's. */
  async #saveSelfScores(tx: Tx, reportId: number, campaignId: number, input: ReportInput) {
    const scores = input.selfScores ?? [];
    if (scores.length === 0) return;
    const criteria = await tx.criterion.findMany({
      where: { campaignId, maxScore: { not: null } },
      select: { id: true, maxScore: true },
    });
    const maxOf = new Map(criteria.map((c) => [c.id, c.maxScore ?? 0]));
    for (const score of scores) {
      const max = maxOf.get(score.criterionId);
      if (max === undefined) throw new AppError("not_scored");
      if (score.points < 0 || score.points > max) {
        throw new AppError("score_out_of_range", { max: String(max) });
      }
      await tx.reportScore.upsert({
        where: { reportId_criterionId: { reportId, criterionId: score.criterionId } },
        create: { reportId, criterionId: score.criterionId, self: score.points },
        update: { self: score.points },
      });
    }
  }

  /** The unit's report (or none) for every deadline of the bloc's active campaigns. */
  async unitStatus(blocId: number, unitId: number): Promise<UnitDeadlineStatus[]> {
    const deadlines = await this.db.deadline.findMany({
      where: { campaign: { blocId, status: "ACTIVE" } },
      include: {
        campaign: { select: { id: true, title: true } },
        reports: { where: { unitId }, include: { _count: { select: { evidence: true } } } },
      },
      orderBy: { dueAt: "asc" },
    });
    return deadlines.map((d) => {
      const report = d.reports[0];
      return {
        campaignId: d.campaign.id,
        campaignTitle: d.campaign.title,
        deadlineId: d.id,
        dueAt: d.dueAt,
        report: report
          ? {
              status: report.status as ReportStatus,
              late: report.late,
              photos: report._count.evidence,
              updatedAt: report.updatedAt,
            }
          : null,
      };
    });
  }

  history(reportId: number) {
    return this.db.reportRevision.findMany({ where: { reportId }, orderBy: { id: "asc" } });
  }

  /** A unit's reports in the bloc, newest deadline first, each with every version and photo. */
  unitReports(blocId: number, unitId: number) {
    return this.db.report.findMany({
      where: { unitId, unit: { blocId } },
      include: {
        deadline: { select: { dueAt: true, campaign: { select: { id: true, title: true } } } },
        revisions: {
          orderBy: { id: "asc" },
          include: { member: { select: { displayName: true } } },
        },
        evidence: {
          orderBy: { id: "asc" },
          select: { sha256: true, receivedAt: true, member: { select: { displayName: true } } },
        },
      },
      orderBy: { deadline: { dueAt: "desc" } },
    });
  }
}
