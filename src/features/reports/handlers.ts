import type { Feature } from "../../core/commands.ts";
import type { Actor, HandlerContext, StepHandler, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { formatDuration } from "../../i18n/duration.ts";
import { commonScores, formatScore, scoreAnswer, valueChoice } from "../campaigns/criteria.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import type { StoredPhoto } from "../evidence/service.ts";
import { describeTotal, weightedTotal } from "../review/score.ts";
import type { Services } from "../services.ts";
import { noteSchema, REPORT_STATUSES, type ReportStatus, reportStatusSchema } from "./schema.ts";
import type { SavedReport } from "./service.ts";

type Ctx = HandlerContext<Services>;

/* /report: campaign → deadline → status → note → photos → confirm. */

const FLOW = "report";
/** A photo that named no campaign: where to file it. */
const FILE_FLOW = "file_photos";

interface ReportData {
  campaignId?: number;
  deadlineId?: number;
  dueAt?: string;
  status?: ReportStatus;
  note?: string;
  /** Photos, each tied to the criterion whose score step it came at, if any. */
  photos: (StoredPhoto & { criterionId?: number })[];
  /** Self-scores by criterion id, when the campaign has a scale. */
  scores?: Record<string, number>;
  /** Which scored criterion is being asked (index in the campaign's scored list). */
  criterion?: number;
  /** The returned report's note, offered to keep. */
  previousNote?: string;
}

/** Photos already in the form, plus new ones; one photo sent twice counts once. */
function withPhotos<P extends { sha256: string }>(kept: P[], added: P[]): P[] {
  return [...kept, ...added.filter((p) => !kept.some((q) => q.sha256 === p.sha256))];
}

/**
 * A photo sent before the form asks for photos is kept for the photo step, and the
 * same question is asked again (people send the picture first and talk after).
 */
function keepingEarlyPhotos(
  step: StepHandler<Services>,
  askAgain?: (ctx: Ctx, data: ReportData) => void | Promise<void>,
): StepHandler<Services> {
  return async (ctx, input, raw) => {
    if (input.type !== "media") return step(ctx, input, raw);
    const data = raw as ReportData;
    const { stored, refused } = await ctx.services.evidence.acceptAll(input.files);
    const photos = withPhotos(data.photos, stored);
    if (askAgain) {
      // The question asked again counts the photos ("Lưu 3 ảnh …?", the summary's
      // "Ảnh: 3"): nothing about a photo step that is not ahead.
      if (refused) ctx.reply(ctx.t(`errors:${refused.code}`, refused.params));
      return askAgain(ctx, { ...data, photos });
    }
    const lines = [];
    if (stored.length) lines.push(ctx.t("reports:photos_kept", { count: photos.length }));
    if (refused) lines.push(ctx.t(`errors:${refused.code}`, refused.params));
    const where = ctx.flow.current;
    if (where) ctx.flow.goto(where.flow, where.step, { ...data, photos });
    lines.push(ctx.t("common:form_still_open"));
    const offered = ctx.flow.offered;
    ctx.reply({ text: lines.join("\n"), ...(offered.length ? { choices: offered } : {}) });
  };
}

/** The member's unit, which every report and status belongs to. */
function unitActor(ctx: Ctx): Actor & { unitId: number; unitName: string } {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  if (actor.unitId === null || actor.unitName === null) throw new AppError("no_unit");
  return { ...actor, unitId: actor.unitId, unitName: actor.unitName };
}

async function startReport(ctx: Ctx): Promise<void> {
  const actor = unitActor(ctx);
  const active = await ctx.services.campaigns.list(actor.blocId, ["ACTIVE"]);
  if (active.length === 0) throw new AppError("nothing_to_report");
  if (active.length === 1) return askDeadline(ctx, active[0] as CampaignSummary, { photos: [] });
  ctx.reply({
    text: ctx.t("reports:ask_campaign"),
    choices: active.map((c) => ({ id: `c${c.id}`, label: c.title })),
  });
  ctx.flow.goto(FLOW, "campaign", { photos: [] } satisfies ReportData);
}

async function pickCampaign(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  if (input.type !== "choice" || !input.choiceId.startsWith("c"))
    throw new AppError("pick_a_choice");
  const actor = unitActor(ctx);
  const campaign = await ctx.services.campaigns.get(actor.blocId, Number(input.choiceId.slice(1)));
  return askDeadline(ctx, campaign, raw as ReportData);
}

async function askDeadline(ctx: Ctx, campaign: CampaignSummary, data: ReportData): Promise<void> {
  const actor = unitActor(ctx);
  const deadlines = await ctx.services.reports.reportableDeadlines(actor.unitId, campaign);
  const withCampaign = { ...data, campaignId: campaign.id };
  const only = deadlines.length === 1 ? deadlines[0] : undefined;
  if (deadlines.length === 0) {
    // Every deadline has passed and been reported: the last one can still be corrected.
    const last = campaign.deadlines.at(-1);
    if (!last) throw new AppError("nothing_to_report");
    return askStatus(ctx, {
      ...withCampaign,
      deadlineId: last.id,
      dueAt: last.dueAt.toISOString(),
    });
  }
  if (only)
    return askStatus(ctx, {
      ...withCampaign,
      deadlineId: only.id,
      dueAt: only.dueAt.toISOString(),
    });
  ctx.reply({
    text: ctx.t("reports:ask_deadline", { campaign: campaign.title }),
    choices: deadlines.map((d, i) => ({
      id: `d${d.id}`,
      label:
        formatDateTime(d.dueAt, actor.timezone) +
        (d.overdue
          ? ` (${ctx.t("reports:overdue")})`
          : i === 0
            ? ` (${ctx.t("reports:nearest")})`
            : ""),
    })),
  });
  ctx.flow.goto(FLOW, "deadline", withCampaign);
}

async function pickDeadline(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  const data = raw as ReportData;
  if (input.type !== "choice" || !input.choiceId.startsWith("d"))
    throw new AppError("pick_a_choice");
  const actor = unitActor(ctx);
  const campaign = await ctx.services.campaigns.get(actor.blocId, data.campaignId ?? 0);
  const deadline = campaign.deadlines.find((d) => `d${d.id}` === input.choiceId);
  if (!deadline) throw new AppError("pick_a_choice");
  return askStatus(ctx, { ...data, deadlineId: deadline.id, dueAt: deadline.dueAt.toISOString() });
}

/**
 * The status question; when the bloc returned the unit's report for this deadline,
 * the reason and what was sent come first, and the old note can be kept.
 */
async function askStatus(ctx: Ctx, data: ReportData): Promise<void> {
  const actor = unitActor(ctx);
  const returned = await ctx.services.review.returned(actor.unitId, data.deadlineId ?? 0);
  const text = ctx.t("reports:ask_status");
  ctx.reply({
    text: returned
      ? `${ctx.t("reports:returned_before", {
          reason: returned.reason,
          status: ctx.t(`reports:status.${returned.status}`),
          note: returned.note || "—",
        })}\n\n${text}`
      : text,
    choices: REPORT_STATUSES.map((s) => ({ id: s, label: ctx.t(`reports:status.${s}`) })),
  });
  ctx.flow.goto(FLOW, "status", {
    ...data,
    ...(returned?.note ? { previousNote: returned.note } : {}),
  });
}

async function pickStatus(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  const status = reportStatusSchema.safeParse(input.type === "choice" ? input.choiceId : "");
  if (!status.success) throw new AppError("pick_a_choice");
  const data = raw as ReportData;
  ctx.reply({
    text: ctx.t("reports:ask_note"),
    choices: [
      ...(data.previousNote ? [{ id: "keep", label: ctx.t("reports:keep_note") }] : []),
      { id: "skip", label: ctx.t("reports:no_note") },
    ],
  });
  ctx.flow.goto(FLOW, "note", { ...data, status: status.data });
}

async function readNote(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  const data = raw as ReportData;
  const kept = input.type === "choice" && input.choiceId === "keep";
  const skipped = input.type === "choice" && input.choiceId === "skip";
  if (!skipped && !kept && input.type !== "text") throw new AppError("text_expected");
  const note = kept
    ? (data.previousNote ?? "")
    : skipped || input.type !== "text"
      ? ""
      : input.text.trim() === "-"
        ? ""
        : input.text;
  const parsed = noteSchema.safeParse(note);
  if (!parsed.success) throw new AppError("note_too_long");
  await askScore(ctx, { ...data, note: parsed.data }, 0);
}

/** The campaign's criteria that carry a scale, in order. */
async function scoredCriteria(ctx: Ctx, data: ReportData) {
  const actor = unitActor(ctx);
  const campaign = await ctx.services.campaigns.get(actor.blocId, data.campaignId ?? 0);
  return campaign.criteriaScale.filter((c) => c.maxScore !== null);
}

/**
 * Self-scoring, one criterion at a time, when the campaign has a scale: a typed
 * number anywhere, buttons for the common values where the platform has buttons.
 */
async function askScore(ctx: Ctx, data: ReportData, index: number): Promise<void> {
  const scored = await scoredCriteria(ctx, data);
  const criterion = scored[index];
  if (!criterion) return askPhotos(ctx, { ...data, criterion: undefined });
  const max = criterion.maxScore ?? 0;
  const common = commonScores(max);
  ctx.reply({
    text: ctx.t("reports:ask_score", {
      index: index + 1,
      count: scored.length,
      title: criterion.title,
      max: formatScore(max),
    }),
    ...(ctx.capabilities.buttons ? { choices: common.map(valueChoice) } : {}),
  });
  ctx.flow.goto(FLOW, "score", { ...data, criterion: index });
}

async function readScore(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  const data = raw as ReportData;
  const index = data.criterion ?? 0;
  const scored = await scoredCriteria(ctx, data);
  const criterion = scored[index];
  if (!criterion) return askPhotos(ctx, data);
  if (input.type === "media") {
    // A photo at a criterion's step is that criterion's evidence.
    const { stored, refused } = await ctx.services.evidence.acceptAll(input.files);
    const photos = withPhotos(
      data.photos,
      stored.map((p) => ({ ...p, criterionId: criterion.id })),
    );
    const lines = [];
    if (stored.length) {
      lines.push(
        ctx.t("reports:photos_for_criterion", { count: stored.length, title: criterion.title }),
      );
    }
    if (refused) lines.push(ctx.t(`errors:${refused.code}`, refused.params));
    ctx.reply(lines.join("\n"));
    return askScore(ctx, { ...data, photos }, index);
  }
  const points = scoreAnswer(input, criterion.maxScore ?? 0);
  const scores = { ...data.scores, [String(criterion.id)]: points };
  return askScore(ctx, { ...data, scores }, index + 1);
}

function askPhotos(ctx: Ctx, data: ReportData, text?: string): void {
  // The prompt names the one choice as it is labelled now: "Xong", or "Không có ảnh".
  const done = ctx.t(data.photos.length ? "reports:photos_done" : "reports:no_photos");
  ctx.reply({
    text: text ?? ctx.t("reports:ask_photos", { done }),
    choices: [{ id: "done", label: done }],
  });
  ctx.flow.goto(FLOW, "photos", data);
}

async function collectPhotos(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  const data = raw as ReportData;
  if (input.type === "choice" && input.choiceId === "done") return askConfirm(ctx, data);
  if (input.type !== "media") throw new AppError("photos_expected");
  const { stored, refused } = await ctx.services.evidence.acceptAll(input.files);
  const photos = withPhotos(data.photos, stored);
  const lines = [];
  if (stored.length) lines.push(ctx.t("reports:photos_received", { count: photos.length }));
  if (refused) lines.push(ctx.t(`errors:${refused.code}`, refused.params));
  askPhotos(ctx, { ...data, photos }, lines.join("\n"));
}

async function askConfirm(ctx: Ctx, data: ReportData): Promise<void> {
  const actor = unitActor(ctx);
  const scale =
    data.scores && Object.keys(data.scores).length ? await scoredCriteria(ctx, data) : [];
  const dueAt = new Date(data.dueAt ?? 0);
  const late = ctx.clock.now() > dueAt;
  ctx.reply({
    text: [
      ctx.t("reports:summary_title"),
      ctx.t("reports:summary", {
        unit: actor.unitName,
        deadline: formatDateTime(dueAt, actor.timezone),
        status: ctx.t(`reports:status.${data.status}`),
        note: data.note || "—",
        photos: data.photos.length,
      }),
      data.scores && scale.length
        ? ctx.t("reports:summary_scores", {
            scores: scale.map((c) => formatScore(data.scores?.[String(c.id)] ?? 0)).join(" · "),
            total: describeTotal(
              ctx.t,
              weightedTotal(
                scale.map((c) => ({ ...c, maxScore: c.maxScore ?? 0 })),
                data.scores,
              ),
            ),
          })
        : null,
      late ? ctx.t("reports:will_be_late") : null,
    ]
      .filter(Boolean)
      .join("\n"),
    choices: [
      { id: "submit", label: ctx.t("reports:submit") },
      { id: "cancel", label: ctx.t("reports:discard") },
    ],
  });
  ctx.flow.goto(FLOW, "confirm", data);
}

async function confirmReport(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  const data = raw as ReportData;
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "cancel") {
    ctx.flow.end();
    ctx.reply(ctx.t("reports:discarded"));
    return;
  }
  if (choice !== "submit") throw new AppError("pick_a_choice");
  const actor = unitActor(ctx);
  const saved = await ctx.services.reports.submit({
    unitId: actor.unitId,
    deadlineId: data.deadlineId ?? 0,
    memberId: actor.memberId,
    platform: ctx.event.chat.platform,
    status: data.status ?? "IN_PROGRESS",
    note: data.note ?? "",
    photos: data.photos,
    selfScores: Object.entries(data.scores ?? {}).map(([criterionId, points]) => ({
      criterionId: Number(criterionId),
      points,
    })),
  });
  ctx.flow.end();
  ctx.reply(describeSaved(ctx, actor, saved, new Date(data.dueAt ?? 0)));
}

function describeSaved(ctx: Ctx, actor: Actor, saved: SavedReport, dueAt: Date): string {
  return [
    ctx.t("reports:saved", {
      unit: actor.unitName,
      deadline: formatDateTime(dueAt, actor.timezone),
      status: ctx.t(`reports:status.${saved.status}`),
      photos: saved.photosTotal,
    }),
    saved.replaced ? ctx.t("reports:replaced") : null,
    saved.late ? ctx.t("reports:late") : null,
  ]
    .filter(Boolean)
    .join("\n");
}

/* Quick report: a photo captioned with the campaign's hashtag, or replying to its announcement. */

async function campaignOfQuickReport(ctx: Ctx): Promise<CampaignSummary | null> {
  const { payload, replyToMessageId, chat } = ctx.event;
  if (payload.type !== "media" || !ctx.actor) return null;
  const byTag = await ctx.services.campaigns.findByHashtag(
    ctx.actor.blocId,
    payload.caption,
    ctx.actor.campaignsVersion,
  );
  if (byTag || !replyToMessageId) return byTag;
  const campaignId = await ctx.services.announcements.campaignRepliedTo(
    ctx.actor.blocId,
    chat.platform,
    chat.platformChatId,
    replyToMessageId,
  );
  if (!campaignId) return null;
  const campaign = await ctx.services.campaigns.get(ctx.actor.blocId, campaignId);
  return campaign.status === "ACTIVE" ? campaign : null;
}

async function quickPhotoReport(ctx: Ctx): Promise<boolean> {
  const { payload } = ctx.event;
  if (payload.type !== "media") return false;
  const actor = unitActor(ctx);
  const campaign = await campaignOfQuickReport(ctx);
  // A group shares photos among people: one without a hashtag is asked about only
  // when it was sent to the bot (a reply to it); an open form took it before this.
  if (!campaign && ctx.event.chat.kind === "GROUP" && !ctx.event.toBot) return true;
  const { stored, refused } = await ctx.services.evidence.acceptAll(payload.files);
  if (stored.length === 0) throw refused ?? new AppError("not_an_image");
  if (campaign) {
    await savePhotos(ctx, campaign, stored, payload.caption, refused);
    return true;
  }
  // No hashtag and no campaign's announcement replied to: one question, not a lecture.
  const active = await ctx.services.campaigns.list(actor.blocId, ["ACTIVE"]);
  if (active.length === 0) throw new AppError("nothing_to_report");
  if (refused) ctx.reply(ctx.t(`errors:${refused.code}`, refused.params));
  const data: ReportData = { photos: stored, note: payload.caption };
  const only = active.length === 1 ? active[0] : undefined;
  await askWhereToFile(ctx, only ? { ...data, campaignId: only.id } : data);
  return true;
}

/** "Save these photos for <campaign>, deadline <date>?", or which campaign when several run. */
async function askWhereToFile(ctx: Ctx, data: ReportData): Promise<void> {
  const actor = unitActor(ctx);
  const count = data.photos.length;
  if (data.campaignId) {
    const campaign = await ctx.services.campaigns.get(actor.blocId, data.campaignId);
    const deadline = ctx.services.reports.currentDeadline(campaign);
    ctx.reply({
      text: ctx.t("reports:file_photos_here", {
        count,
        campaign: campaign.title,
        deadline: formatDateTime(deadline.dueAt, actor.timezone),
      }),
      choices: [
        { id: "yes", label: ctx.t("reports:file_yes") },
        { id: "no", label: ctx.t("reports:file_no") },
      ],
    });
    ctx.flow.goto(FILE_FLOW, "confirm", data);
    return;
  }
  const active = await ctx.services.campaigns.list(actor.blocId, ["ACTIVE"]);
  ctx.reply({
    text: ctx.t("reports:file_photos_where", { count }),
    choices: [
      ...active.map((c) => ({ id: `c${c.id}`, label: c.title })),
      { id: "no", label: ctx.t("reports:file_no") },
    ],
  });
  ctx.flow.goto(FILE_FLOW, "campaign", data);
}

async function fileInCampaign(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  const data = raw as ReportData;
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "no") return notFiled(ctx);
  if (!choice.startsWith("c")) throw new AppError("pick_a_choice");
  const actor = unitActor(ctx);
  const campaign = await ctx.services.campaigns.get(actor.blocId, Number(choice.slice(1)));
  if (campaign.status !== "ACTIVE") throw new AppError("stale_choice");
  ctx.flow.end();
  await savePhotos(ctx, campaign, data.photos, data.note ?? "", null);
}

async function confirmFiling(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  const data = raw as ReportData;
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "no") return notFiled(ctx);
  if (choice !== "yes") throw new AppError("pick_a_choice");
  const actor = unitActor(ctx);
  const campaign = await ctx.services.campaigns.get(actor.blocId, data.campaignId ?? 0);
  ctx.flow.end();
  await savePhotos(ctx, campaign, data.photos, data.note ?? "", null);
}

function notFiled(ctx: Ctx): void {
  ctx.flow.end();
  ctx.reply(ctx.t("reports:file_declined"));
}

/** Attaches checked photos to the unit's report for the campaign's current deadline. */
async function savePhotos(
  ctx: Ctx,
  campaign: CampaignSummary,
  photos: StoredPhoto[],
  caption: string,
  refused: AppError | null,
): Promise<void> {
  const actor = unitActor(ctx);
  const deadline = ctx.services.reports.currentDeadline(campaign);
  const saved = await ctx.services.reports.addEvidence({
    unitId: actor.unitId,
    deadlineId: deadline.id,
    memberId: actor.memberId,
    platform: ctx.event.chat.platform,
    photos,
    caption,
  });
  const lines = [
    ctx.t("reports:quick_saved", {
      count: saved.photosAdded,
      unit: actor.unitName,
      campaign: campaign.title,
      deadline: formatDateTime(deadline.dueAt, actor.timezone),
      status: ctx.t(`reports:status.${saved.status}`),
    }),
  ];
  if (saved.photosAlreadyThere)
    lines.push(ctx.t("reports:already_had", { count: saved.photosAlreadyThere }));
  if (refused) lines.push(ctx.t(`errors:${refused.code}`, refused.params));
  ctx.reply(lines.join("\n"));
}

/* /status: the unit's reports and the next deadline. */

async function status(ctx: Ctx): Promise<void> {
  const actor = unitActor(ctx);
  const rows = await ctx.services.reports.unitStatus(actor.blocId, actor.unitId);
  if (rows.length === 0) {
    ctx.reply(ctx.t("reports:status_none", { unit: actor.unitName }));
    return;
  }
  const now = ctx.clock.now();
  const lines = rows.map((r) => {
    const state = r.report
      ? `${ctx.t(`reports:status.${r.report.status}`)} · ${ctx.t("reports:photo_count", { count: r.report.photos })}${r.report.late ? ` · ${ctx.t("reports:late_short")}` : ""}`
      : ctx.t(r.dueAt < now ? "reports:status.MISSING_OVERDUE" : "reports:status.MISSING");
    return `• ${r.campaignTitle} — ${formatDateTime(r.dueAt, actor.timezone)}: ${state}`;
  });
  const next = rows.find((r) => r.dueAt >= now);
  lines.push(
    next
      ? ctx.t("reports:next", {
          date: formatDateTime(next.dueAt, actor.timezone),
          left: formatDuration(next.dueAt.getTime() - now.getTime(), ctx.t),
        })
      : ctx.t("reports:no_next"),
  );
  ctx.reply([ctx.t("reports:status_title", { unit: actor.unitName }), ...lines].join("\n"));
}

export const reportsFeature: Feature<Services> = {
  commands: [
    {
      names: ["report", "baocao"],
      startsForm: true,
      audience: ["LEAD", "FOCAL"],
      helpKey: "report",
      run: startReport,
    },
    {
      names: ["status", "tinhhinh"],
      audience: "member",
      helpKey: "status",
      run: status,
    },
  ],
  flows: [
    {
      name: FLOW,
      steps: {
        campaign: keepingEarlyPhotos(pickCampaign),
        deadline: keepingEarlyPhotos(pickDeadline),
        status: keepingEarlyPhotos(pickStatus),
        note: keepingEarlyPhotos(readNote),
        score: readScore,
        photos: collectPhotos,
        confirm: keepingEarlyPhotos(confirmReport, askConfirm),
      },
    },
    {
      name: FILE_FLOW,
      steps: {
        campaign: keepingEarlyPhotos(fileInCampaign, askWhereToFile),
        confirm: keepingEarlyPhotos(confirmFiling, askWhereToFile),
      },
    },
  ],
  onMedia: quickPhotoReport,
};
