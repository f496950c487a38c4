import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Platform } from "../../core/roles.ts";
import type { Db, Prisma } from "../../db/client.ts";
import { insertRows } from "../../db/insertRows.ts";
import { dateOf, idOrNull } from "../../db/rawValues.ts";
import { memberActor, recordAudit } from "../../services/auditLog.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import { fingerprintIndex } from "../evidence/fingerprintIndex.ts";
import { flagRecycled } from "../evidence/recycled.ts";
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

interface StoredReport {
  id: number;
  status: string;
  late: boolean;
  reviewState: string;
}

/** What a report is written against, as it stands at commit. */
interface ReportTarget {
  dueAt: Date;
  campaignId: number;
  campaignStatus: string;
  /** công bố: a published campaign's reports are final. */
  published: boolean;
  blocId: number;
  memberUnitId: number | null;
  report: StoredReport | null;
}

interface TargetRow {
  dueAt: Date | string;
  campaignId: number | bigint;
  campaignStatus: string;
  publishedAt: Date | string | null;
  blocId: number | bigint;
  memberUnitId: number | bigint | null;
  reportId: number | bigint | null;
  reportStatus: string | null;
  /** SQLite answers 0/1, PostgreSQL a boolean. */
  reportLate: boolean | number | null;
  reviewState: string | null;
}

const EVIDENCE_COLUMNS = [
  "reportId",
  "unitId",
  "memberId",
  "platform",
  "platformFileId",
  "sha256",
  "storageKey",
  "size",
  "mimeType",
  "width",
  "height",
  "caption",
  "criterionId",
  "receivedAt",
  "forwarded",
  "sentAsFile",
  "exifTakenAt",
  "exifLat",
  "exifLon",
  "phash",
  "phashMirror",
  "dhash",
  "phashFlat",
] as const;

/**
 * The deadline with its campaign, the member's unit and the unit's current report, in
 * one statement (through the ORM, with its includes, it was four): every report, quick
 * or full, asks this at commit. Plain SQL that SQLite and PostgreSQL read alike.
 */
async function readTarget(tx: Tx, input: ReportInput): Promise<ReportTarget | null> {
  const rows = await tx.$queryRaw<TargetRow[]>`
    SELECT d."dueAt" AS "dueAt", d."campaignId" AS "campaignId",
           c."status" AS "campaignStatus", c."publishedAt" AS "publishedAt", c."blocId" AS "blocId",
           (SELECT m."unitId" FROM "Member" m WHERE m."id" = ${input.memberId}) AS "memberUnitId",
           r."id" AS "reportId", r."status" AS "reportStatus", r."late" AS "reportLate",
           r."reviewState" AS "reviewState"
    FROM "Deadline" d
    JOIN "Campaign" c ON c."id" = d."campaignId"
    LEFT JOIN "Report" r ON r."deadlineId" = d."id" AND r."unitId" = ${input.unitId}
    WHERE d."id" = ${input.deadlineId}`;
  const row = rows[0];
  if (!row) return null;
  const reportId = idOrNull(row.reportId);
  return {
    dueAt: dateOf(row.dueAt),
    campaignId: Number(row.campaignId),
    campaignStatus: row.campaignStatus,
    published: row.publishedAt !== null,
    blocId: Number(row.blocId),
    memberUnitId: idOrNull(row.memberUnitId),
    report:
      reportId === null
        ? null
        : {
            id: reportId,
            status: row.reportStatus ?? "",
            late: Boolean(row.reportLate),
            reviewState: row.reviewState ?? "",
          },
  };
}

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
    const target = await readTarget(tx, input);
    if (!target) throw new AppError("not_found");
    if (target.campaignStatus !== "ACTIVE") {
      throw new AppError("campaign_wrong_state", { status: target.campaignStatus });
    }
    if (target.memberUnitId !== input.unitId) throw new AppError("forbidden");
    if (target.published) throw new AppError("results_published");
    const late = now > target.dueAt;
    const existing = target.report;
    // A past deadline that was reported is closed to a new version (the form never offers it).
    const reopened = existing?.reviewState === "RETURNED";
    if (existing && late && mode === "replace" && !reopened) throw new AppError("stale_choice");

    let report: StoredReport | null = existing;
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
    if (mode === "replace") await this.#saveSelfScores(tx, report.id, target.campaignId, input);

    const unique = input.photos.filter(
      (p, i, all) => all.findIndex((q) => q.sha256 === p.sha256) === i,
    );
    // A photo this report already holds (same bytes) is skipped by the unique key.
    const added = await insertRows(
      tx,
      "Evidence",
      EVIDENCE_COLUMNS,
      unique.map((photo) => ({
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
        forwarded: photo.forwarded ?? null,
        sentAsFile: photo.sentAsFile ?? false,
        exifTakenAt: photo.exifTakenAt ? new Date(photo.exifTakenAt) : null,
        exifLat: photo.exifLat ?? null,
        exifLon: photo.exifLon ?? null,
        phash: photo.fingerprint?.phash ?? null,
        phashMirror: photo.fingerprint?.phashMirror ?? null,
        dhash: photo.fingerprint?.dhash ?? null,
        phashFlat: photo.fingerprint?.flat ?? null,
      })),
      { skipConflictsOn: ["reportId", "sha256"] },
    );
    if (added > 0) {
      await flagRecycled(tx, fingerprintIndex(this.db), {
        blocId: target.blocId,
        unitId: input.unitId,
        reportId: report.id,
        now,
        photos: unique,
      });
    }
    await recordAudit(tx, {
      at: this.clock.now(),
      actor: memberActor(input.memberId),
      action: mode === "replace" ? "report.submit" : "report.evidence",
      blocId: target.blocId,
      details: { reportId: report.id, status: report.status, late, photos: added },
    });
    return {
      reportId: report.id,
      status: report.status as ReportStatus,
      late: report.late,
      replaced: existing !== null && mode === "replace",
      photosAdded: added,
      photosAlreadyThere: input.photos.length - added,
      photosTotal: unique.length,
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
                  select: { id: true, text: true, maxScore: true, weight: true },
                },
              },
            },
          },
        },
        scores: { select: { criterionId: true, self: true, reviewed: true } },
        decisions: {
          orderBy: { id: "asc" },
          include: { member: { select: { displayName: true } } },
        },
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
