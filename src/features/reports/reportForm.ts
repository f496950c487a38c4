import type { Actor, HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { typedStep } from "../../core/flowState.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { commonScores, formatScore, scoreAnswer, valueChoice } from "../campaigns/criteria.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import { describeTotal, weightedTotal } from "../review/score.ts";
import type { Services } from "../services.ts";
import { keepingEarlyPhotos } from "./earlyPhotos.ts";
import { type ReportData, reportStateSchema, unitActor, withPhotos } from "./reportState.ts";
import { noteSchema, REPORT_STATUSES, reportStatusSchema } from "./schema.ts";
import type { SavedReport } from "./service.ts";

type Ctx = HandlerContext<Services>;

/* /report: campaign → deadline → status → note → photos → confirm. */

const FLOW = "report";

export async function startReport(ctx: Ctx): Promise<void> {
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

async function pickCampaign(ctx: Ctx, input: StepInput, data: ReportData): Promise<void> {
  if (input.type !== "choice" || !input.choiceId.startsWith("c"))
    throw new AppError("pick_a_choice");
  const actor = unitActor(ctx);
  const campaign = await ctx.services.campaigns.get(actor.blocId, Number(input.choiceId.slice(1)));
  return askDeadline(ctx, campaign, data);
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

async function pickDeadline(ctx: Ctx, input: StepInput, data: ReportData): Promise<void> {
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

async function pickStatus(ctx: Ctx, input: StepInput, data: ReportData): Promise<void> {
  const status = reportStatusSchema.safeParse(input.type === "choice" ? input.choiceId : "");
  if (!status.success) throw new AppError("pick_a_choice");
  ctx.reply({
    text: ctx.t("reports:ask_note"),
    choices: [
      ...(data.previousNote ? [{ id: "keep", label: ctx.t("reports:keep_note") }] : []),
      { id: "skip", label: ctx.t("reports:no_note") },
    ],
  });
  ctx.flow.goto(FLOW, "note", { ...data, status: status.data });
}

async function readNote(ctx: Ctx, input: StepInput, data: ReportData): Promise<void> {
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

async function readScore(ctx: Ctx, input: StepInput, data: ReportData): Promise<void> {
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

async function collectPhotos(ctx: Ctx, input: StepInput, data: ReportData): Promise<void> {
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

async function confirmReport(ctx: Ctx, input: StepInput, data: ReportData): Promise<void> {
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

/** The /report form's steps; a photo sent before the photo step is kept for it. */
export const reportFlow = {
  name: FLOW,
  steps: {
    campaign: keepingEarlyPhotos(pickCampaign),
    deadline: keepingEarlyPhotos(pickDeadline),
    status: keepingEarlyPhotos(pickStatus),
    note: keepingEarlyPhotos(readNote),
    score: typedStep(reportStateSchema, readScore),
    photos: typedStep(reportStateSchema, collectPhotos),
    confirm: keepingEarlyPhotos(confirmReport, askConfirm),
  },
};
