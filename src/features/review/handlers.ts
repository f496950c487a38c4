import { z } from "zod";
import type { Feature } from "../../core/commands.ts";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { typedStep } from "../../core/flowState.ts";
import { REVIEWERS } from "../../core/roles.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { commonScores, formatScore, scoreAnswer, valueChoice } from "../campaigns/criteria.ts";
import type { Services } from "../services.ts";
import { replyWithEvidence } from "./evidenceReply.ts";
import { publish, ranking } from "./rankingHandlers.ts";
import { describeCriteria, describeTotal } from "./score.ts";
import { isCorrection, type ReviewItem, totalOf, unscoredCriteria } from "./service.ts";

type Ctx = HandlerContext<Services>;

/* /review: the next report waiting → approve / return with a reason / score each criterion. */

const FLOW = "review";

/** What the form keeps between its steps, read back through this schema at each step. */
const reviewDataSchema = z.looseObject({
  reportId: z.number().int(),
  version: z.number().int(),
  /** What waits for the reason of a correction (a change to a reviewed or published result). */
  pending: z.enum(["approve", "score"]).optional(),
  reason: z.string().optional(),
  /** Points given so far, by criterion id, while scoring. */
  points: z.record(z.string(), z.number()).optional(),
  criterion: z.number().int().optional(),
});
type ReviewData = z.infer<typeof reviewDataSchema>;

const reviewer = (ctx: Ctx) => {
  if (!ctx.actor) throw new AppError("not_linked");
  return ctx.actor;
};

function describe(ctx: Ctx, item: ReviewItem): string {
  const actor = reviewer(ctx);
  const lines = [
    ctx.t("review:card_title", { id: item.reportId, unit: item.unitName }),
    ctx.t("review:card_deadline", {
      campaign: item.campaignTitle,
      deadline: formatDateTime(item.dueAt, actor.timezone),
    }) + (item.late ? ` (${ctx.t("reports:late_short")})` : ""),
    ctx.t("review:card_status", {
      status: ctx.t(`reports:status.${item.status}`),
      photos: item.photos,
    }),
    ctx.t("review:card_note", { note: item.note || "—" }),
  ];
  if (item.criteria.length) {
    lines.push(ctx.t("review:card_scores"));
    lines.push(
      ...describeCriteria(
        ctx.t,
        item.criteria.map((c) => ({ ...c, points: c.self })),
      ).map((line, i) => `  ${i + 1}. ${line}`),
    );
    lines.push(ctx.t("review:card_self_total", { total: describeTotal(ctx.t, totalOf(item)) }));
    if (item.state === "APPROVED" || item.state === "SCORED") {
      const reviewed = Object.fromEntries(item.criteria.map((c) => [c.id, c.reviewed ?? 0]));
      lines.push(
        ctx.t("review:card_reviewed_total", {
          total: describeTotal(ctx.t, totalOf(item, reviewed)),
        }),
      );
    }
  }
  if (item.state !== "AWAITING") lines.push(ctx.t(`review:state.${item.state}`));
  if (item.published) lines.push(ctx.t("review:card_published"));
  return lines.join("\n");
}

/** Shows a report to review (its photos first) and what can be done, or says none is waiting. */
async function offer(ctx: Ctx, item: ReviewItem | null, before?: string): Promise<void> {
  if (!item) {
    ctx.flow.end();
    ctx.reply([before, ctx.t("errors:nothing_to_review")].filter(Boolean).join("\n"));
    return;
  }
  await replyWithEvidence(ctx, item, before, {
    text: describe(ctx, item),
    choices: actions(ctx, item, true),
  });
  ctx.flow.goto(FLOW, "action", {
    reportId: item.reportId,
    version: item.version,
  } satisfies ReviewData);
}

/** What a reviewer can do with a report; approving is left out where it cannot be done. */
function actions(ctx: Ctx, item: ReviewItem, approvable: boolean) {
  return [
    ...(approvable ? [{ id: "approve", label: ctx.t("review:approve") }] : []),
    { id: "return", label: ctx.t("review:return") },
    ...(item.criteria.length ? [{ id: "score", label: ctx.t("review:score") }] : []),
    { id: "next", label: ctx.t("review:skip") },
    { id: "stop", label: ctx.t("review:stop") },
  ];
}

async function start(ctx: Ctx, args: string): Promise<void> {
  const actor = reviewer(ctx);
  const id = Number(args.replace(/^#/, ""));
  if (args && (!Number.isInteger(id) || id <= 0)) {
    throw new AppError("bad_arguments", { usage: "/review · /review 12" });
  }
  const item = args
    ? await ctx.services.review.get(actor.blocId, id)
    : await ctx.services.review.next(actor.blocId);
  await offer(ctx, item);
}

/** The choices of the action step again, after a word on why nothing was done. */
function offerAgain(ctx: Ctx, item: ReviewItem, data: ReviewData, text: string): void {
  ctx.reply({ text, choices: actions(ctx, item, false) });
  ctx.flow.goto(FLOW, "action", {
    reportId: item.reportId,
    version: data.version,
  } satisfies ReviewData);
}

async function approve(ctx: Ctx, data: ReviewData): Promise<void> {
  const actor = reviewer(ctx);
  const { item, total } = await ctx.services.review.approve(
    actor.blocId,
    data.reportId,
    data.version,
    actor.memberId,
    data.reason,
  );
  const next = await ctx.services.review.next(actor.blocId);
  return offer(
    ctx,
    next,
    ctx.t("review:approved", { unit: item.unitName, total: describeTotal(ctx.t, total) }),
  );
}

async function pickAction(ctx: Ctx, input: StepInput, data: ReviewData): Promise<void> {
  const actor = reviewer(ctx);
  const choice = input.type === "choice" ? input.choiceId : "";
  switch (choice) {
    case "approve":
    case "score": {
      const item = await ctx.services.review.get(actor.blocId, data.reportId);
      if (item.version !== data.version) throw new AppError("review_changed");
      const missing = unscoredCriteria(item);
      if (choice === "approve" && missing.length) {
        return offerAgain(
          ctx,
          item,
          data,
          ctx.t("errors:approve_needs_scores", {
            criteria: missing.map((c) => c.title).join(", "),
          }),
        );
      }
      if (isCorrection(item)) {
        ctx.reply(
          ctx.t(item.published ? "review:ask_correction_published" : "review:ask_correction"),
        );
        ctx.flow.goto(FLOW, "correction", { ...data, pending: choice } satisfies ReviewData);
        return;
      }
      return choice === "approve" ? approve(ctx, data) : askPoints(ctx, { ...data, points: {} }, 0);
    }
    case "return":
      ctx.reply(ctx.t("review:ask_reason"));
      ctx.flow.goto(FLOW, "reason", data);
      return;
    case "next":
      return offer(ctx, await ctx.services.review.next(actor.blocId, data.reportId));
    case "stop":
      ctx.flow.end();
      ctx.reply(ctx.t("review:stopped"));
      return;
    default:
      throw new AppError("pick_a_choice");
  }
}

/** The reason for changing a result already reviewed or published, then the change itself. */
async function readCorrection(ctx: Ctx, input: StepInput, data: ReviewData): Promise<void> {
  if (input.type !== "text" || !input.text.trim()) {
    throw new AppError("correction_reason_required");
  }
  const next = { ...data, reason: input.text.trim().slice(0, 1000) };
  return data.pending === "approve"
    ? approve(ctx, next)
    : askPoints(ctx, { ...next, points: {} }, 0);
}

async function readReason(ctx: Ctx, input: StepInput, data: ReviewData): Promise<void> {
  const actor = reviewer(ctx);
  if (input.type !== "text" || !input.text.trim()) throw new AppError("reason_required");
  const { item, notified } = await ctx.services.review.returnReport(
    actor.blocId,
    data.reportId,
    data.version,
    actor.memberId,
    input.text,
  );
  const next = await ctx.services.review.next(actor.blocId);
  return offer(ctx, next, ctx.t("review:returned", { unit: item.unitName, chats: notified }));
}

async function askPoints(ctx: Ctx, data: ReviewData, index: number): Promise<void> {
  const actor = reviewer(ctx);
  const item = await ctx.services.review.get(actor.blocId, data.reportId);
  const criterion = item.criteria[index];
  if (!criterion) {
    const points = Object.fromEntries(
      Object.entries(data.points ?? {}).map(([k, v]) => [Number(k), v]),
    );
    const { total } = await ctx.services.review.score(
      actor.blocId,
      data.reportId,
      data.version,
      actor.memberId,
      points,
      data.reason,
    );
    const next = await ctx.services.review.next(actor.blocId);
    return offer(
      ctx,
      next,
      ctx.t("review:scored", { unit: item.unitName, total: describeTotal(ctx.t, total) }),
    );
  }
  const values = commonScores(criterion.maxScore, criterion.self === null ? [] : [criterion.self]);
  ctx.reply({
    text: ctx.t(criterion.weight === 1 ? "review:ask_points" : "review:ask_points_weighted", {
      index: index + 1,
      count: item.criteria.length,
      title: criterion.title,
      max: formatScore(criterion.maxScore),
      weight: formatScore(criterion.weight),
      self: criterion.self === null ? "—" : formatScore(criterion.self),
    }),
    ...(ctx.capabilities.buttons ? { choices: values.map(valueChoice) } : {}),
  });
  ctx.flow.goto(FLOW, "points", { ...data, criterion: index });
}

async function readPoints(ctx: Ctx, input: StepInput, data: ReviewData): Promise<void> {
  const actor = reviewer(ctx);
  const index = data.criterion ?? 0;
  const item = await ctx.services.review.get(actor.blocId, data.reportId);
  const criterion = item.criteria[index];
  if (!criterion) return askPoints(ctx, data, index);
  const points = scoreAnswer(input, criterion.maxScore);
  return askPoints(
    ctx,
    { ...data, points: { ...data.points, [String(criterion.id)]: points } },
    index + 1,
  );
}

export const reviewFeature: Feature<Services> = {
  commands: [
    {
      names: ["review", "xet"],
      audience: REVIEWERS,
      helpKey: "review",
      startsForm: true,
      run: start,
    },
    { names: ["ranking", "xephang"], audience: REVIEWERS, helpKey: "ranking", run: ranking },
    { names: ["publish", "congbo"], audience: ["LEAD"], helpKey: "publish", run: publish },
  ],
  flows: [
    {
      name: FLOW,
      steps: {
        action: typedStep(reviewDataSchema, pickAction),
        reason: typedStep(reviewDataSchema, readReason),
        correction: typedStep(reviewDataSchema, readCorrection),
        points: typedStep(reviewDataSchema, readPoints),
      },
    },
  ],
};
