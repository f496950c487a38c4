import { fold } from "../../core/answerText.ts";
import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Db } from "../../db/client.ts";
import { type AuditActor, recordAudit } from "../../services/auditLog.ts";
import {
  DEFAULT_THRESHOLDS,
  type LateRule,
  lateRuleSchema,
  type Thresholds,
  thresholdsSchema,
} from "./criteria.ts";
import type { CampaignNotices } from "./notices.ts";
import { checkLateRule, checkThresholds, sameThresholds } from "./rules.ts";
import {
  type CampaignDraft,
  type CampaignDraftInput,
  type CampaignStatus,
  campaignDraftSchema,
} from "./schema.ts";

export interface CampaignSummary {
  id: number;
  blocId: number;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  hashtag: string | null;
  status: CampaignStatus;
  /** Titles, in order. */
  criteria: string[];
  /** Every criterion with its scale (maxScore null: not scored). */
  criteriaScale: { id: number; title: string; maxScore: number | null; weight: number }[];
  lateRule: LateRule;
  /** The campaign's own thresholds; null: the bloc's. */
  thresholds: Thresholds | null;
  deadlines: { id: number; dueAt: Date }[];
}

const withParts = {
  criteria: { orderBy: { position: "asc" } },
  deadlines: { orderBy: { dueAt: "asc" } },
} as const;

type CampaignRow = Awaited<ReturnType<Db["campaign"]["findFirstOrThrow"]>> & {
  criteria: { id: number; text: string; maxScore: number | null; weight: number }[];
  deadlines: { id: number; dueAt: Date }[];
};

function summarize(row: CampaignRow): CampaignSummary {
  return {
    id: row.id,
    blocId: row.blocId,
    title: row.title,
    description: row.description,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    hashtag: row.hashtag,
    status: row.status as CampaignStatus,
    criteria: row.criteria.map((c) => c.text),
    criteriaScale: row.criteria.map((c) => ({
      id: c.id,
      title: c.text,
      maxScore: c.maxScore,
      weight: c.weight,
    })),
    lateRule: lateRuleSchema.catch("none").parse(row.lateRule),
    thresholds: row.thresholds
      ? thresholdsSchema.nullable().catch(null).parse(JSON.parse(row.thresholds))
      : null,
    deadlines: row.deadlines.map((d) => ({ id: d.id, dueAt: d.dueAt })),
  };
}

/**
 * Every write to what a campaign's summary holds says so here, in the same transaction:
 * processes that keep a copy of the summaries (findByHashtag) see the new version with
 * their next sender. (Reminder schedules are not in a summary.)
 */
async function campaignsChanged(tx: Pick<Db, "bloc">, blocId: number): Promise<void> {
  await tx.bloc.update({ where: { id: blocId }, data: { campaignsVersion: { increment: 1 } } });
}

/** What a lead sets for a scored campaign's ranking; thresholds null: the bloc's. */
export interface CampaignRules {
  lateRule: string;
  thresholds: { label: string; min: number }[] | null;
}

/** Campaigns of a bloc: draft → active → closed. Every lookup is scoped to one bloc. */
export class CampaignService {
  /** Per bloc: its active campaigns, and the campaigns version they were read at. */
  readonly #active = new Map<number, { version: number; campaigns: CampaignSummary[] }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Units hear of a close or a reopen; unset, nobody is told (tools that only read). */
    private readonly notices?: CampaignNotices,
  ) {}

  async create(
    blocId: number,
    input: CampaignDraftInput,
    actor: AuditActor,
  ): Promise<CampaignSummary> {
    const parsed = campaignDraftSchema.safeParse(input);
    if (!parsed.success) throw new AppError("bad_arguments", { usage: parsed.error.message });
    const draft: CampaignDraft = parsed.data;
    const hashtag = draft.hashtag ? normalizeHashtag(draft.hashtag) : null;
    if (hashtag) await this.checkHashtagFree(blocId, hashtag, null);
    const row = await this.db.$transaction(async (tx) => {
      const campaign = await tx.campaign.create({
        data: {
          blocId,
          title: draft.title,
          description: draft.description,
          startsAt: draft.startsAt,
          endsAt: draft.endsAt,
          hashtag,
          createdBy: actor,
          lateRule: draft.lateRule,
          thresholds: draft.thresholds ? JSON.stringify(draft.thresholds) : null,
          criteria: {
            create: draft.criteria.map((c, position) => ({
              text: c.title,
              maxScore: c.maxScore,
              weight: c.weight,
              position,
            })),
          },
          deadlines: {
            create: [...new Set(draft.deadlines.map((d) => d.getTime()))]
              .sort((a, b) => a - b)
              .map((t) => ({ dueAt: new Date(t) })),
          },
        },
        include: withParts,
      });
      await campaignsChanged(tx, blocId);
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action: "campaign.create",
        blocId,
        details: { campaignId: campaign.id, title: draft.title },
      });
      return campaign;
    });
    return summarize(row);
  }

  async get(blocId: number, campaignId: number): Promise<CampaignSummary> {
    const row = await this.db.campaign.findFirst({
      where: { id: campaignId, blocId },
      include: withParts,
    });
    if (!row) throw new AppError("not_found");
    return summarize(row);
  }

  /** For the operator, who stands above every bloc. */
  async findAnyBloc(campaignId: number): Promise<CampaignSummary> {
    const row = await this.db.campaign.findUnique({
      where: { id: campaignId },
      include: withParts,
    });
    if (!row) throw new AppError("not_found");
    return summarize(row);
  }

  async list(blocId: number, statuses: CampaignStatus[]): Promise<CampaignSummary[]> {
    const rows = await this.db.campaign.findMany({
      where: { blocId, status: { in: statuses } },
      include: withParts,
      orderBy: { startsAt: "asc" },
    });
    return rows.map(summarize);
  }

  /** The classes a campaign without its own uses: the bloc's, else the defaults. */
  async blocThresholds(blocId: number): Promise<Thresholds> {
    const bloc = await this.db.bloc.findUnique({
      where: { id: blocId },
      select: { thresholds: true },
    });
    if (!bloc) throw new AppError("not_found");
    return bloc.thresholds
      ? thresholdsSchema.catch(DEFAULT_THRESHOLDS).parse(JSON.parse(bloc.thresholds))
      : DEFAULT_THRESHOLDS;
  }

  /** Published results stand: their late rule and classes are no longer the lead's to change. */
  async rulesLocked(blocId: number, campaignId: number): Promise<boolean> {
    const row = await this.db.campaign.findFirst({
      where: { id: campaignId, blocId },
      select: { publishedAt: true },
    });
    if (!row) throw new AppError("not_found");
    return row.publishedAt !== null;
  }

  /**
   * Changes a scored campaign's late rule and thresholds, checked as typed (a negative
   * or wordy late rule, classes out of order or above 100 % change nothing). The ranking
   * is computed when read, so the next one follows the new rule; the change is audited
   * with what it replaced. `scoredReports`: how many reports the change re-ranks. Once
   * the results are published they are refused: a published ranking changes only through
   * a correction with its reason, unit by unit.
   */
  async setRules(
    blocId: number,
    campaignId: number,
    rules: CampaignRules,
    actor: AuditActor,
  ): Promise<{ campaign: CampaignSummary; changed: boolean; scoredReports: number }> {
    const lateRule = checkLateRule(rules.lateRule);
    const thresholds = rules.thresholds === null ? null : checkThresholds(rules.thresholds);
    const campaign = await this.get(blocId, campaignId);
    if (!campaign.criteriaScale.some((c) => c.maxScore !== null)) throw new AppError("not_scored");
    if (await this.rulesLocked(blocId, campaignId)) throw new AppError("rules_published");
    const scoredReports = await this.db.report.count({
      where: { deadline: { campaignId }, scores: { some: {} } },
    });
    if (campaign.lateRule === lateRule && sameThresholds(campaign.thresholds, thresholds)) {
      return { campaign, changed: false, scoredReports };
    }
    await this.db.$transaction(async (tx) => {
      // Published meanwhile: the results stand as published.
      const changed = await tx.campaign.updateMany({
        where: { id: campaignId, blocId, publishedAt: null },
        data: { lateRule, thresholds: thresholds ? JSON.stringify(thresholds) : null },
      });
      if (changed.count !== 1) throw new AppError("rules_published");
      await campaignsChanged(tx, blocId);
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action: "campaign.rules",
        blocId,
        details: {
          campaignId,
          before: { lateRule: campaign.lateRule, thresholds: campaign.thresholds },
          after: { lateRule, thresholds },
          scoredReports,
        },
      });
    });
    return { campaign: { ...campaign, lateRule, thresholds }, changed: true, scoredReports };
  }

  /** Opens a draft for reports. */
  async activate(blocId: number, campaignId: number, actor: AuditActor): Promise<CampaignSummary> {
    const campaign = await this.get(blocId, campaignId);
    if (campaign.hashtag) {
      await this.checkHashtagFree(blocId, normalizeHashtag(campaign.hashtag), campaignId);
    }
    return this.#transition(blocId, campaignId, "DRAFT", "ACTIVE", actor);
  }

  /** Two open campaigns with one hashtag would split the photos between them silently. */
  async checkHashtagFree(blocId: number, hashtag: string, except: number | null) {
    const open = await this.db.campaign.findMany({
      where: { blocId, status: { in: ["DRAFT", "ACTIVE"] }, hashtag: { not: null } },
      select: { id: true, hashtag: true, title: true },
    });
    const clash = open.find(
      (c) => c.id !== except && c.hashtag && normalizeHashtag(c.hashtag) === hashtag,
    );
    if (clash) throw new AppError("hashtag_taken", { hashtag, id: clash.id, title: clash.title });
  }

  async close(blocId: number, campaignId: number, actor: AuditActor): Promise<CampaignSummary> {
    return this.#transition(blocId, campaignId, "ACTIVE", "CLOSED", actor);
  }

  /** Undoes a close (the audit keeps both); its hashtag must still be free. */
  async reopen(blocId: number, campaignId: number, actor: AuditActor): Promise<CampaignSummary> {
    const campaign = await this.get(blocId, campaignId);
    if (campaign.hashtag) {
      await this.checkHashtagFree(blocId, normalizeHashtag(campaign.hashtag), campaignId);
    }
    return this.#transition(blocId, campaignId, "CLOSED", "ACTIVE", actor, "campaign.reopen");
  }

  /**
   * The campaign a lead means by "[campaign]": the number given, or the only
   * active one. Several active and none named is a question back to the lead.
   */
  async resolve(blocId: number, arg: string): Promise<CampaignSummary | CampaignSummary[]> {
    const id = Number(arg.replace(/^#/, ""));
    if (arg && Number.isInteger(id) && id > 0) return this.get(blocId, id);
    const active = await this.list(blocId, ["ACTIVE"]);
    if (active.length === 0) throw new AppError("nothing_to_report");
    return active.length === 1 ? (active[0] as CampaignSummary) : active;
  }

  /**
   * The active campaign a caption names: "#xanhsạchđẹp" and "#XanhSachDep" are one tag.
   * Given the bloc's campaigns version (read with the sender, at no cost), the bloc's
   * active campaigns come from this process's copy (`active`).
   */
  async findByHashtag(
    blocId: number,
    caption: string,
    campaignsVersion?: number,
  ): Promise<CampaignSummary | null> {
    const tags = new Set(
      (caption.normalize("NFC").match(/#[\p{L}\p{M}\p{N}_]+/gu) ?? []).map(normalizeHashtag),
    );
    if (tags.size === 0) return null;
    const campaigns = await this.active(blocId, campaignsVersion);
    return campaigns.find((c) => c.hashtag && tags.has(normalizeHashtag(c.hashtag))) ?? null;
  }

  /**
   * The bloc's active campaigns, newest first, from this process's copy while the
   * bloc's campaigns version is the one it was read at (/help and every quick photo
   * report ask, campaigns change rarely); without a version, read now.
   */
  async active(blocId: number, version?: number): Promise<CampaignSummary[]> {
    const copy = this.#active.get(blocId);
    if (version !== undefined && copy?.version === version) return copy.campaigns;
    // Read after the version was: at worst newer than it, so never kept past a change.
    const rows = await this.db.campaign.findMany({
      where: { blocId, status: "ACTIVE" },
      include: withParts,
      orderBy: { id: "desc" },
    });
    const campaigns = rows.map(summarize);
    if (version !== undefined) this.#active.set(blocId, { version, campaigns });
    return campaigns;
  }

  async #transition(
    blocId: number,
    campaignId: number,
    from: CampaignStatus,
    to: CampaignStatus,
    actor: AuditActor,
    action = `campaign.${to.toLowerCase()}`,
  ): Promise<CampaignSummary> {
    const campaign = await this.get(blocId, campaignId);
    if (campaign.status !== from) {
      throw new AppError("campaign_wrong_state", { status: campaign.status });
    }
    await this.db.$transaction(async (tx) => {
      await tx.campaign.update({
        where: { id: campaignId },
        data: {
          status: to,
          activatedAt: to === "ACTIVE" && from === "DRAFT" ? this.clock.now() : undefined,
        },
      });
      await campaignsChanged(tx, blocId);
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action,
        blocId,
        details: { campaignId },
      });
      // Reporting ends or starts again for every unit: each hears it. (A draft's opening
      // is announced by the lead's own announcement, offered right after.)
      if (from !== "DRAFT") {
        const key = to === "CLOSED" ? "closed" : "reopened";
        await this.notices?.tell(tx, campaign, key, (t) =>
          t(`campaigns:notice.${key}`, { id: campaign.id, title: campaign.title }),
        );
      }
    });
    return { ...campaign, status: to };
  }
}

/** "#Xanh Sạch Đẹp" → "#xanhsachdep": how hashtags are stored and compared. */
export const normalizeHashtag = (tag: string) =>
  `#${fold(tag.replace(/^#/, "")).replace(/\s/g, "")}`;
