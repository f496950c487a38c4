import type { Feature } from "../../core/commands.ts";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { REVIEWERS } from "../../core/roles.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { commonScores, formatScore, scoreAnswer, valueChoice } from "../campaigns/criteria.ts";
import type { Services } from "../registry.ts";
import { replyWithEvidence } from "./evidenceReply.ts";
import type { CampaignRanking } from "./ranking.ts";
import type { ReviewItem } from "./service.ts";

type Ctx = HandlerContext<Services>;

/* /review: the next report waiting → approve / return with a reason / score each criterion. */

const FLOW = "review";

interface ReviewData {
  reportId: number;
  version: number;
  /** Points given so far, by criterion id, while scoring. */
  points?: Record<string, number>;
  criterion?: number;
}

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
    for (const [i, c] of item.criteria.entries()) {
      const self = c.self === null ? "—" : formatScore(c.self);
      lines.push(`  ${i + 1}. ${c.title}: ${self}/${formatScore(c.maxScore)}`);
    }
  }
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
    choices: [
      { id: "approve", label: ctx.t("review:approve") },
      { id: "return", label: ctx.t("review:return") },
      ...(item.criteria.length ? [{ id: "score", label: ctx.t("review:score") }] : []),
      { id: "next", label: ctx.t("review:skip") },
      { id: "stop", label: ctx.t("review:stop") },
    ],
  });
  ctx.flow.goto(FLOW, "action", {
    reportId: item.reportId,
    version: item.version,
  } satisfies ReviewData);
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

async function pickAction(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  const data = raw as ReviewData;
  const actor = reviewer(ctx);
  const choice = input.type === "choice" ? input.choiceId : "";
  switch (choice) {
    case "approve": {
      const item = await ctx.services.review.approve(
        actor.blocId,
        data.reportId,
        data.version,
        actor.memberId,
      );
      const next = await ctx.services.review.next(actor.blocId);
      return offer(ctx, next, ctx.t("review:approved", { unit: item.unitName }));
    }
    case "return":
      ctx.reply(ctx.t("review:ask_reason"));
      ctx.flow.goto(FLOW, "reason", data);
      return;
    case "score":
      return askPoints(ctx, { ...data, points: {} }, 0);
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

async function readReason(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  const data = raw as ReviewData;
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
    await ctx.services.review.score(
      actor.blocId,
      data.reportId,
      data.version,
      actor.memberId,
      points,
    );
    const next = await ctx.services.review.next(actor.blocId);
    const total = Object.values(points).reduce((a, b) => a + b, 0);
    return offer(
      ctx,
      next,
      ctx.t("review:scored", { unit: item.unitName, total: formatScore(total) }),
    );
  }
  const values = commonScores(criterion.maxScore, criterion.self === null ? [] : [criterion.self]);
  ctx.reply({
    text: ctx.t("review:ask_points", {
      index: index + 1,
      count: item.criteria.length,
      title: criterion.title,
      max: formatScore(criterion.maxScore),
      self: criterion.self === null ? "—" : formatScore(criterion.self),
    }),
    ...(ctx.capabilities.buttons ? { choices: values.map(valueChoice) } : {}),
  });
  ctx.flow.goto(FLOW, "points", { ...data, criterion: index });
}

async function readPoints(ctx: Ctx, input: StepInput, raw: unknown): Promise<void> {
  const data = raw as ReviewData;
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

/* /ranking [N] · /ranking nam 2026 */

export function rankingLines(t: Ctx["t"], ranking: CampaignRanking): string[] {
  return ranking.units.map((u) => {
    const parts = [
      `${u.rank}. ${u.unitName} — ${formatScore(u.percent)} % (${formatScore(u.total)}/${formatScore(u.max)})`,
      u.classLabel ?? t("review:not_eligible"),
    ];
    if (u.lateReports) parts.push(t("review:late_count", { count: u.lateReports }));
    if (u.deduction) parts.push(t("review:deducted", { points: formatScore(u.deduction) }));
    return `${parts.join(" · ")}${u.usesSelfScores ? " *" : ""}`;
  });
}

async function ranking(ctx: Ctx, args: string): Promise<void> {
  const actor = reviewer(ctx);
  const year = /^(?:nam|năm|year)\s+(\d{4})$/iu.exec(args.trim());
  if (year) {
    const result = await ctx.services.ranking.year(actor.blocId, Number(year[1]));
    if (result.campaigns.length === 0) throw new AppError("not_scored");
    ctx.reply(
      [
        ctx.t("review:year_title", { year: result.year, count: result.campaigns.length }),
        ...result.units.map(
          (u) => `${u.rank}. ${u.unitName} — ${formatScore(u.percent)} % · ${u.classLabel ?? "—"}`,
        ),
      ].join("\n"),
    );
    return;
  }
  const resolved = await ctx.services.campaigns.resolve(actor.blocId, args);
  if (Array.isArray(resolved)) {
    const scored = resolved.filter((c) => c.criteriaScale.some((x) => x.maxScore !== null));
    if (scored.length === 0) throw new AppError("not_scored");
    if (scored.length > 1) {
      ctx.reply(
        [
          ctx.t("progress:which_campaign"),
          ...scored.map((c) => `/ranking ${c.id} — ${c.title}`),
        ].join("\n"),
      );
      return;
    }
  }
  const campaign = Array.isArray(resolved)
    ? resolved.find((c) => c.criteriaScale.some((x) => x.maxScore !== null))
    : resolved;
  if (!campaign) throw new AppError("not_scored");
  const result = await ctx.services.ranking.campaign(actor.blocId, campaign.id);
  ctx.reply(
    [
      ctx.t("review:ranking_title", { campaign: campaign.title }),
      ...rankingLines(ctx.t, result),
      result.units.some((u) => u.usesSelfScores) ? ctx.t("review:self_marked") : null,
    ]
      .filter(Boolean)
      .join("\n"),
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
  ],
  flows: [
    {
      name: FLOW,
      steps: { action: pickAction, reason: readReason, points: readPoints },
    },
  ],
};
