import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Db, Prisma } from "../../db/client.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import { type AuditActor, recordAudit } from "../../services/auditLog.ts";
import { campaignHistory, type HistoryEntry } from "./campaignHistory.ts";
import { criterionLine, criterionSchema, describeCriterion } from "./criteria.ts";
import type { CampaignNotices } from "./notices.ts";
import { hashtagSchema } from "./schema.ts";
import { type CampaignService, type CampaignSummary, normalizeHashtag } from "./service.ts";

/** A criterion's new scale; maxScore null: not scored. */
export interface Scale {
  maxScore: number | null;
  weight: number;
}

/** A scale change that touches given scores waits for a confirmation naming how many. */
export type ScaleOutcome =
  | { saved: true; campaign: CampaignSummary; rescaled: number }
  | { saved: false; scores: number };

/**
 * Changes to a campaign that is running: its words, hashtag, deadlines and criteria.
 * Each is checked against the campaign as it is now, refused once results are published
 * when it would change them, written with its audit line, and told to the units when it
 * changes what they must do. Every lookup is scoped to the lead's bloc, so a forged id
 * answers "not found".
 */
export class CampaignEditService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly campaigns: CampaignService,
    private readonly notices: CampaignNotices,
  ) {}

  /** A campaign that may still be edited: not closed. */
  async editable(blocId: number, campaignId: number): Promise<CampaignSummary> {
    const campaign = await this.campaigns.get(blocId, campaignId);
    if (campaign.status === "CLOSED") {
      throw new AppError("campaign_wrong_state", { status: campaign.status });
    }
    return campaign;
  }

  async setTitle(blocId: number, campaignId: number, title: string, actor: AuditActor) {
    const text = title.trim();
    if (text.length < 3 || text.length > 300) throw new AppError("campaign_title_length");
    const campaign = await this.editable(blocId, campaignId);
    if (text === campaign.title) return campaign;
    await this.#write(
      campaign,
      actor,
      "campaign.edit.title",
      { before: campaign.title, after: text },
      (tx) => tx.campaign.update({ where: { id: campaignId }, data: { title: text } }),
    );
    return { ...campaign, title: text };
  }

  async setDescription(blocId: number, campaignId: number, text: string, actor: AuditActor) {
    const description = text.trim().slice(0, 2000);
    const campaign = await this.editable(blocId, campaignId);
    if (description === campaign.description) return campaign;
    await this.#write(campaign, actor, "campaign.edit.description", {}, (tx) =>
      tx.campaign.update({ where: { id: campaignId }, data: { description } }),
    );
    return { ...campaign, description };
  }

  /** A new hashtag (null: none), free among the bloc's open campaigns; units are told. */
  async setHashtag(blocId: number, campaignId: number, typed: string | null, actor: AuditActor) {
    const hashtag = typed === null ? null : checkHashtag(typed);
    const campaign = await this.editable(blocId, campaignId);
    if (hashtag === (campaign.hashtag ? normalizeHashtag(campaign.hashtag) : null)) return campaign;
    if (hashtag) await this.campaigns.checkHashtagFree(blocId, hashtag, campaignId);
    await this.#write(
      campaign,
      actor,
      "campaign.edit.hashtag",
      { before: campaign.hashtag, after: hashtag },
      async (tx) => {
        await tx.campaign.update({ where: { id: campaignId }, data: { hashtag } });
        await this.#tell(tx, campaign, "hashtag", (t) =>
          hashtag
            ? t("campaigns:notice.hashtag", { ...named(campaign), hashtag })
            : t("campaigns:notice.hashtag_removed", named(campaign)),
        );
      },
    );
    return { ...campaign, hashtag };
  }

  async addDeadline(blocId: number, campaignId: number, dueAt: Date, actor: AuditActor) {
    const campaign = await this.unpublished(blocId, campaignId);
    const timezone = await this.#timezone(blocId);
    this.#checkNewTime(campaign, dueAt, timezone, null);
    await this.#write(
      campaign,
      actor,
      "campaign.edit.deadline_add",
      { dueAt: dueAt.toISOString() },
      async (tx) => {
        await tx.deadline.create({ data: { campaignId, dueAt } });
        await this.#stretchEnd(tx, campaign, dueAt);
        await this.#tell(tx, campaign, "deadline_add", (t) =>
          t("campaigns:notice.deadline_added", {
            ...named(campaign),
            date: formatDateTime(dueAt, timezone),
          }),
        );
      },
    );
    return this.campaigns.get(blocId, campaignId);
  }

  /**
   * gia hạn (or a corrected date): the deadline moves, every report of it is late again
   * only if it came after the new time (`updatedAt`: the unit's last submission), the
   * reminders start over from the new time, and the units are told.
   */
  async moveDeadline(
    blocId: number,
    campaignId: number,
    deadlineId: number,
    dueAt: Date,
    actor: AuditActor,
  ): Promise<{ campaign: CampaignSummary; before: Date; lateCleared: number; lateSet: number }> {
    const campaign = await this.unpublished(blocId, campaignId);
    const deadline = campaign.deadlines.find((d) => d.id === deadlineId);
    if (!deadline) throw new AppError("not_found");
    const timezone = await this.#timezone(blocId);
    if (dueAt.getTime() === deadline.dueAt.getTime()) {
      throw new AppError("deadline_unchanged", { date: formatDateTime(dueAt, timezone) });
    }
    this.#checkNewTime(campaign, dueAt, timezone, deadlineId);
    const reports = await this.db.report.findMany({
      where: { deadlineId },
      select: { id: true, late: true, updatedAt: true },
    });
    const flips = reports.filter((r) => r.late !== r.updatedAt > dueAt);
    const lateCleared = flips.filter((r) => r.late).length;
    const lateSet = flips.length - lateCleared;
    await this.#write(
      campaign,
      actor,
      "campaign.edit.deadline_move",
      {
        deadlineId,
        before: deadline.dueAt.toISOString(),
        after: dueAt.toISOString(),
        lateCleared,
        lateSet,
      },
      async (tx) => {
        // The reminders start over: the new time's slots are all still to come.
        await tx.deadline.update({
          where: { id: deadlineId },
          data: { dueAt, lastReminderSlot: null, overdueHandled: false },
        });
        for (const report of flips) {
          // updatedAt given back as it was: it is the unit's submission time, not ours.
          await tx.report.update({
            where: { id: report.id },
            data: { late: !report.late, updatedAt: report.updatedAt },
          });
        }
        await this.#stretchEnd(tx, campaign, dueAt);
        await this.#tell(tx, campaign, `deadline_move:${deadlineId}`, (t) =>
          t(
            dueAt > deadline.dueAt
              ? "campaigns:notice.deadline_extended"
              : "campaigns:notice.deadline_moved",
            {
              ...named(campaign),
              before: formatDateTime(deadline.dueAt, timezone),
              date: formatDateTime(dueAt, timezone),
            },
          ),
        );
      },
    );
    return {
      campaign: await this.campaigns.get(blocId, campaignId),
      before: deadline.dueAt,
      lateCleared,
      lateSet,
    };
  }

  /** A deadline nobody reported on yet; the last one stays (a campaign needs one). */
  async removeDeadline(blocId: number, campaignId: number, deadlineId: number, actor: AuditActor) {
    const campaign = await this.unpublished(blocId, campaignId);
    const deadline = campaign.deadlines.find((d) => d.id === deadlineId);
    if (!deadline) throw new AppError("not_found");
    const timezone = await this.#timezone(blocId);
    const date = formatDateTime(deadline.dueAt, timezone);
    const reports = await this.db.report.count({ where: { deadlineId } });
    if (reports > 0) throw new AppError("deadline_has_reports", { date, count: reports });
    if (campaign.deadlines.length === 1) throw new AppError("deadline_last", { date });
    await this.#write(
      campaign,
      actor,
      "campaign.edit.deadline_remove",
      { deadlineId, dueAt: deadline.dueAt.toISOString() },
      async (tx) => {
        // Recounted in the transaction: a report that came meanwhile keeps its deadline.
        const removed = await tx.deadline.deleteMany({
          where: { id: deadlineId, reports: { none: {} } },
        });
        if (removed.count !== 1) throw new AppError("deadline_has_reports", { date, count: 1 });
        await this.#tell(tx, campaign, `deadline_remove:${deadlineId}`, (t) =>
          t("campaigns:notice.deadline_removed", { ...named(campaign), date }),
        );
      },
    );
    return this.campaigns.get(blocId, campaignId);
  }

  /** "Tiêu chí | 10 | 2" as in the form; a scored one is refused once results are published. */
  async addCriterion(blocId: number, campaignId: number, line: string, actor: AuditActor) {
    const parsed = criterionSchema.safeParse(line.trim());
    if (!parsed.success)
      throw new AppError("criterion_format", { input: line.trim().slice(0, 60) });
    const criterion = parsed.data;
    const campaign =
      criterion.maxScore === null
        ? await this.editable(blocId, campaignId)
        : await this.unpublished(blocId, campaignId);
    if (campaign.criteriaScale.length >= 50) throw new AppError("criteria_too_many");
    await this.#write(
      campaign,
      actor,
      "campaign.edit.criterion_add",
      { line: criterionLine(criterion) },
      async (tx) => {
        const last = await tx.criterion.findFirst({
          where: { campaignId },
          orderBy: { position: "desc" },
          select: { position: true },
        });
        await tx.criterion.create({
          data: {
            campaignId,
            text: criterion.title,
            maxScore: criterion.maxScore,
            weight: criterion.weight,
            position: (last?.position ?? -1) + 1,
          },
        });
        await this.#tell(tx, campaign, "criterion_add", (t) =>
          t("campaigns:notice.criterion_added", {
            ...named(campaign),
            criterion: describeCriterion(t, criterion),
          }),
        );
      },
    );
    return this.campaigns.get(blocId, campaignId);
  }

  /** Reports by deadline id: the deadlines that have any cannot be removed. */
  async reportsPerDeadline(campaignId: number): Promise<Map<number, number>> {
    const groups = await this.db.report.groupBy({
      by: ["deadlineId"],
      where: { deadline: { campaignId } },
      _count: { _all: true },
    });
    return new Map(groups.map((g) => [g.deadlineId, g._count._all]));
  }

  /** How many given points (a unit's own or a reviewer's) a criterion holds. */
  async scoresOf(criterionId: number): Promise<number> {
    return this.db.reportScore.count({
      where: { criterionId, OR: [{ self: { not: null } }, { reviewed: { not: null } }] },
    });
  }

  /**
   * A criterion's most points and weight. Before any score, at once; after, only with
   * `confirmedScores` equal to the number of scores it touches (else that number is
   * answered and nothing changes): those points are rescaled to the new most (8 of 10
   * becomes 16 of 20), audited. A scored criterion cannot become unscored once scored.
   */
  async setScale(
    blocId: number,
    campaignId: number,
    criterionId: number,
    scale: Scale,
    actor: AuditActor,
    confirmedScores?: number,
  ): Promise<ScaleOutcome> {
    const checked = criterionSchema.safeParse({ title: "-", ...scale });
    if (!checked.success) throw new AppError("criterion_scale_invalid");
    const { maxScore, weight } = checked.data;
    const campaign = await this.unpublished(blocId, campaignId);
    const criterion = campaign.criteriaScale.find((c) => c.id === criterionId);
    if (!criterion) throw new AppError("not_found");
    if (criterion.maxScore === maxScore && criterion.weight === weight) {
      return { saved: true, campaign, rescaled: 0 };
    }
    const scores = await this.scoresOf(criterionId);
    if (scores > 0 && maxScore === null) {
      throw new AppError("criterion_scored_stays", { count: scores });
    }
    if (scores > 0 && confirmedScores !== scores) return { saved: false, scores };
    const ratio =
      criterion.maxScore !== null && maxScore !== null ? maxScore / criterion.maxScore : 1;
    await this.#write(
      campaign,
      actor,
      "campaign.edit.criterion_scale",
      {
        criterionId,
        title: criterion.title,
        before: { maxScore: criterion.maxScore, weight: criterion.weight },
        after: { maxScore, weight },
        scores,
      },
      async (tx) => {
        await tx.criterion.update({ where: { id: criterionId }, data: { maxScore, weight } });
        if (scores > 0 && ratio !== 1) {
          const given = await tx.reportScore.findMany({ where: { criterionId } });
          for (const s of given) {
            await tx.reportScore.update({
              where: { id: s.id },
              data: { self: rescale(s.self, ratio), reviewed: rescale(s.reviewed, ratio) },
            });
          }
        }
      },
    );
    return {
      saved: true,
      campaign: await this.campaigns.get(blocId, campaignId),
      rescaled: scores,
    };
  }

  /** The campaign's audit lines, newest first: its page shows them as its history. */
  async history(blocId: number, campaignId: number): Promise<HistoryEntry[]> {
    await this.campaigns.get(blocId, campaignId);
    return campaignHistory(this.db, blocId, campaignId);
  }

  /** Published results stand: what would change them (deadline times, scales) is refused. */
  async unpublished(blocId: number, campaignId: number): Promise<CampaignSummary> {
    const campaign = await this.editable(blocId, campaignId);
    if (await this.campaigns.rulesLocked(blocId, campaignId)) {
      throw new AppError("edit_published");
    }
    return campaign;
  }

  async #timezone(blocId: number): Promise<string> {
    const bloc = await this.db.bloc.findUniqueOrThrow({
      where: { id: blocId },
      select: { timezone: true },
    });
    return bloc.timezone;
  }

  /** A new time for a deadline: ahead of now, after the start, not another deadline's. */
  #checkNewTime(campaign: CampaignSummary, dueAt: Date, timezone: string, except: number | null) {
    const date = formatDateTime(dueAt, timezone);
    if (dueAt <= this.clock.now()) throw new AppError("deadline_in_past", { date });
    if (dueAt < campaign.startsAt) {
      throw new AppError("deadline_before_start", {
        date,
        start: formatDateTime(campaign.startsAt, timezone),
      });
    }
    if (campaign.deadlines.some((d) => d.id !== except && d.dueAt.getTime() === dueAt.getTime())) {
      throw new AppError("deadline_exists", { date });
    }
  }

  /** A deadline after the campaign's end carries the end with it. */
  async #stretchEnd(tx: Prisma.TransactionClient, campaign: CampaignSummary, dueAt: Date) {
    if (dueAt > campaign.endsAt) {
      await tx.campaign.update({ where: { id: campaign.id }, data: { endsAt: dueAt } });
    }
  }

  #tell(
    tx: Prisma.TransactionClient,
    campaign: CampaignSummary,
    what: string,
    text: (t: Translate) => string,
  ) {
    // A draft has no reporters yet: its announcement will say it all.
    if (campaign.status !== "ACTIVE") return Promise.resolve(0);
    return this.notices.tell(tx, campaign, what, text);
  }

  async #write(
    campaign: CampaignSummary,
    actor: AuditActor,
    action: string,
    details: object,
    change: (tx: Prisma.TransactionClient) => Promise<unknown>,
  ): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await change(tx);
      await tx.bloc.update({
        where: { id: campaign.blocId },
        data: { campaignsVersion: { increment: 1 } },
      });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action,
        blocId: campaign.blocId,
        details: { campaignId: campaign.id, ...details },
      });
    });
  }
}

/** "#Xanh Sạch Đẹp" or "xanhsachdep" → "#xanhsachdep", or a clear refusal. */
export function checkHashtag(typed: string): string {
  const text = typed.trim().replace(/^#?/, "#").toLowerCase();
  if (!hashtagSchema.safeParse(text).success) throw new AppError("bad_hashtag");
  return normalizeHashtag(text);
}

const named = (c: CampaignSummary) => ({ id: c.id, title: c.title });

const rescale = (points: number | null, ratio: number) =>
  points === null ? null : Math.round(points * ratio * 100) / 100;
