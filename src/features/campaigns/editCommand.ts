import { z } from "zod";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { typedSteps } from "../../core/flowState.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { memberActor } from "../../services/auditLog.ts";
import type { Services } from "../services.ts";
import { describeCriterion, formatScore } from "./criteria.ts";
import { parseDateInput } from "./dateInput.ts";
import { whichCampaign } from "./pick.ts";
import { changeCampaignRules } from "./rulesCommand.ts";
import type { CampaignSummary } from "./service.ts";

type Ctx = HandlerContext<Services>;

/*
 * "/campaign edit 3" (/thidua sua 3) and "/giahan 3": a running campaign changed from
 * chat, one thing at a time. Numbered answers on Zalo and the console, buttons on
 * Telegram; the service checks again, audits and tells the units.
 */

export const EDIT_FLOW = "campaign_edit";

/** What the edit form keeps between its steps, read back through this schema at each step. */
const editDataSchema = z.looseObject({
  campaignId: z.number().int(),
  mode: z.enum(["extend", "remove"]).optional(),
  deadlineId: z.number().int().optional(),
  criterionId: z.number().int().optional(),
  scale: z.object({ maxScore: z.number(), weight: z.number() }).optional(),
  scores: z.number().int().optional(),
});
type EditData = z.infer<typeof editDataSchema>;
type Mode = NonNullable<EditData["mode"]>;
type EditStep = (ctx: Ctx, input: StepInput, data: EditData) => Promise<void>;

const MENU = [
  "title",
  "description",
  "hashtag",
  "extend",
  "add_deadline",
  "remove_deadline",
  "add_criterion",
  "scale",
] as const;

/** Refused at once on a published campaign, before any question is asked. */
const RESULT_CHANGING: readonly string[] = ["extend", "add_deadline", "remove_deadline", "scale"];

function actorOf(ctx: Ctx) {
  if (!ctx.actor) throw new AppError("not_linked");
  return ctx.actor;
}

const by = (ctx: Ctx) => memberActor(actorOf(ctx).memberId);
const edits = (ctx: Ctx) => ctx.services.campaignEdits;
const scored = (c: CampaignSummary) => c.criteriaScale.some((x) => x.maxScore !== null);

export async function startEdit(ctx: Ctx, campaignId: number): Promise<void> {
  const campaign = await edits(ctx).editable(actorOf(ctx).blocId, campaignId);
  const items: string[] = [...MENU, ...(scored(campaign) ? ["rules"] : [])];
  ctx.reply({
    text: ctx.t("campaigns:edit_menu.prompt", { id: campaign.id, title: campaign.title }),
    choices: items.map((id) => ({ id, label: ctx.t(`campaigns:edit_menu.${id}`) })),
  });
  ctx.flow.goto(EDIT_FLOW, "menu", { campaignId } satisfies EditData);
}

/** "/giahan [N]": straight to the deadline to extend (the only campaign open when none named). */
export async function extendCommand(ctx: Ctx, args: string): Promise<void> {
  const actor = actorOf(ctx);
  const resolved = await ctx.services.campaigns.resolve(actor.blocId, args.trim());
  if (Array.isArray(resolved)) {
    ctx.reply(whichCampaign(ctx.t, "extend", resolved));
    return;
  }
  const campaign = await edits(ctx).unpublished(actor.blocId, resolved.id);
  await pickDeadline(ctx, campaign, "extend");
}

async function pickDeadline(ctx: Ctx, campaign: CampaignSummary, mode: Mode): Promise<void> {
  const timezone = actorOf(ctx).timezone;
  const data: EditData = { campaignId: campaign.id, mode };
  if (mode === "extend" && campaign.deadlines.length === 1) {
    return askNewTime(ctx, campaign, { ...data, deadlineId: campaign.deadlines[0]?.id ?? 0 });
  }
  ctx.reply({
    text: ctx.t(`campaigns:editing.pick_deadline_${mode}`, {
      id: campaign.id,
      title: campaign.title,
    }),
    choices: campaign.deadlines.map((d) => ({
      id: `d:${d.id}`,
      label: formatDateTime(d.dueAt, timezone),
    })),
  });
  ctx.flow.goto(EDIT_FLOW, "pick_deadline", data);
}

function askNewTime(ctx: Ctx, campaign: CampaignSummary, data: EditData): void {
  const deadline = campaign.deadlines.find((d) => d.id === data.deadlineId);
  if (!deadline) throw new AppError("not_found");
  ctx.reply(
    ctx.t("campaigns:editing.ask_new_time", {
      id: campaign.id,
      title: campaign.title,
      date: formatDateTime(deadline.dueAt, actorOf(ctx).timezone),
    }),
  );
  ctx.flow.goto(EDIT_FLOW, "move_deadline", data);
}

const choiceOf = (input: StepInput) => (input.type === "choice" ? input.choiceId : null);

function textOf(input: StepInput): string {
  if (input.type !== "text") throw new AppError("text_expected");
  return input.text.trim();
}

const isDash = (input: StepInput) => input.type === "text" && input.text.trim() === "-";

function readTime(ctx: Ctx, text: string): Date {
  const actor = actorOf(ctx);
  const at = parseDateInput(text, actor.timezone, ctx.clock.now(), "officeClose");
  if (!at) throw new AppError("bad_date", { input: text });
  return at;
}

/** "10", "10 | 2", "10 điểm, hệ số 2": the most points, then the weight (1 when left out). */
function readScale(text: string): { maxScore: number; weight: number } {
  const numbers = text.match(/\d+(?:[.,]\d+)?/g) ?? [];
  const [max, weight = "1", ...rest] = numbers.map((n) => n.replace(",", "."));
  if (max === undefined || rest.length > 0) throw new AppError("criterion_scale_invalid");
  return { maxScore: Number(max), weight: Number(weight) };
}

const menu: EditStep = async (ctx, input, data) => {
  const choice = choiceOf(input);
  const blocId = actorOf(ctx).blocId;
  const campaign = RESULT_CHANGING.includes(choice ?? "")
    ? await edits(ctx).unpublished(blocId, data.campaignId)
    : await edits(ctx).editable(blocId, data.campaignId);
  const current = (value: string) => ctx.t("campaigns:editing.current", { value });
  switch (choice) {
    case "title":
    case "description":
    case "hashtag": {
      const value =
        choice === "title"
          ? campaign.title
          : choice === "description"
            ? campaign.description || "—"
            : (campaign.hashtag ?? "—");
      ctx.reply(`${ctx.t(`campaigns:editing.ask_${choice}`)}\n${current(value)}`);
      ctx.flow.goto(EDIT_FLOW, choice, data);
      return;
    }
    case "extend":
      return pickDeadline(ctx, campaign, "extend");
    case "remove_deadline":
      return pickDeadline(ctx, campaign, "remove");
    case "add_deadline":
      ctx.reply(ctx.t("campaigns:editing.ask_add_deadline"));
      ctx.flow.goto(EDIT_FLOW, "add_deadline", data);
      return;
    case "add_criterion":
      ctx.reply(ctx.t("campaigns:editing.ask_add_criterion"));
      ctx.flow.goto(EDIT_FLOW, "add_criterion", data);
      return;
    case "scale":
      ctx.reply({
        text: ctx.t("campaigns:editing.pick_criterion"),
        choices: campaign.criteriaScale.map((c) => ({
          id: `k:${c.id}`,
          label: describeCriterion(ctx.t, c),
        })),
      });
      ctx.flow.goto(EDIT_FLOW, "pick_criterion", data);
      return;
    case "rules":
      if (scored(campaign)) return changeCampaignRules(ctx, campaign.id);
      throw new AppError("pick_a_choice");
    default:
      throw new AppError("pick_a_choice");
  }
};

/** Each edit ends the conversation with what changed and how to change more. */
function done(ctx: Ctx, campaign: CampaignSummary, line: string): void {
  ctx.flow.end();
  ctx.reply(`${line}\n${ctx.t("campaigns:editing.more", { id: campaign.id })}`);
}

const told = (ctx: Ctx, campaign: CampaignSummary) =>
  campaign.status === "ACTIVE" ? ` ${ctx.t("campaigns:editing.units_told")}` : "";

const steps: Record<string, EditStep> = {
  menu,
  title: async (ctx, input, data) => {
    const { campaignId } = data;
    const c = await edits(ctx).setTitle(actorOf(ctx).blocId, campaignId, textOf(input), by(ctx));
    done(ctx, c, ctx.t("campaigns:editing.saved_title", { id: c.id, title: c.title }));
  },
  description: async (ctx, input, data) => {
    const { campaignId } = data;
    const text = isDash(input) ? "" : textOf(input);
    const c = await edits(ctx).setDescription(actorOf(ctx).blocId, campaignId, text, by(ctx));
    done(ctx, c, ctx.t("campaigns:editing.saved_description", { id: c.id }));
  },
  hashtag: async (ctx, input, data) => {
    const { campaignId } = data;
    const typed = isDash(input) ? null : textOf(input);
    const c = await edits(ctx).setHashtag(actorOf(ctx).blocId, campaignId, typed, by(ctx));
    const line = c.hashtag
      ? ctx.t("campaigns:editing.saved_hashtag", { id: c.id, hashtag: c.hashtag })
      : ctx.t("campaigns:editing.saved_no_hashtag", { id: c.id });
    done(ctx, c, `${line}${told(ctx, c)}`);
  },
  add_deadline: async (ctx, input, data) => {
    const { campaignId } = data;
    const at = readTime(ctx, textOf(input));
    const c = await edits(ctx).addDeadline(actorOf(ctx).blocId, campaignId, at, by(ctx));
    const date = formatDateTime(at, actorOf(ctx).timezone);
    done(
      ctx,
      c,
      `${ctx.t("campaigns:editing.saved_deadline_added", { id: c.id, date })}${told(ctx, c)}`,
    );
  },
  pick_deadline: async (ctx, input, data) => {
    const deadlineId = Number(/^d:(\d+)$/.exec(choiceOf(input) ?? "")?.[1]);
    const blocId = actorOf(ctx).blocId;
    const campaign = await edits(ctx).editable(blocId, data.campaignId);
    const deadline = campaign.deadlines.find((d) => d.id === deadlineId);
    if (!deadline) throw new AppError("pick_a_choice");
    if (data.mode === "extend") return askNewTime(ctx, campaign, { ...data, deadlineId });
    const c = await edits(ctx).removeDeadline(blocId, campaign.id, deadlineId, by(ctx));
    const date = formatDateTime(deadline.dueAt, actorOf(ctx).timezone);
    done(
      ctx,
      c,
      `${ctx.t("campaigns:editing.saved_deadline_removed", { id: c.id, date })}${told(ctx, c)}`,
    );
  },
  move_deadline: async (ctx, input, data) => {
    const at = readTime(ctx, textOf(input));
    const moved = await edits(ctx).moveDeadline(
      actorOf(ctx).blocId,
      data.campaignId,
      data.deadlineId ?? 0,
      at,
      by(ctx),
    );
    const timezone = actorOf(ctx).timezone;
    const c = moved.campaign;
    const lines = [
      ctx.t(
        at > moved.before ? "campaigns:editing.saved_extended" : "campaigns:editing.saved_moved",
        {
          id: c.id,
          before: formatDateTime(moved.before, timezone),
          date: formatDateTime(at, timezone),
        },
      ) + told(ctx, c),
      moved.lateCleared > 0
        ? ctx.t("campaigns:editing.late_cleared", { count: moved.lateCleared })
        : "",
      moved.lateSet > 0 ? ctx.t("campaigns:editing.late_set", { count: moved.lateSet }) : "",
    ];
    done(ctx, c, lines.filter(Boolean).join("\n"));
  },
  add_criterion: async (ctx, input, data) => {
    const { campaignId } = data;
    const c = await edits(ctx).addCriterion(
      actorOf(ctx).blocId,
      campaignId,
      textOf(input),
      by(ctx),
    );
    const added = c.criteriaScale.at(-1);
    const criterion = added ? describeCriterion(ctx.t, added) : "";
    done(
      ctx,
      c,
      `${ctx.t("campaigns:editing.saved_criterion", { id: c.id, criterion })}${told(ctx, c)}`,
    );
  },
  pick_criterion: async (ctx, input, data) => {
    const criterionId = Number(/^k:(\d+)$/.exec(choiceOf(input) ?? "")?.[1]);
    const campaign = await edits(ctx).editable(actorOf(ctx).blocId, data.campaignId);
    const criterion = campaign.criteriaScale.find((c) => c.id === criterionId);
    if (!criterion) throw new AppError("pick_a_choice");
    ctx.reply(
      ctx.t("campaigns:editing.ask_scale", {
        criterion: describeCriterion(ctx.t, criterion),
      }),
    );
    ctx.flow.goto(EDIT_FLOW, "scale", { ...data, criterionId });
  },
  scale: async (ctx, input, data) => {
    await saveScale(ctx, { ...data, scale: readScale(textOf(input)) });
  },
  scale_confirm: async (ctx, input, data) => {
    const choice = choiceOf(input);
    if (choice === "keep") {
      ctx.flow.end();
      ctx.reply(ctx.t("campaigns:editing.scale_kept"));
      return;
    }
    if (choice !== "confirm") throw new AppError("pick_a_choice");
    await saveScale(ctx, data, data.scores);
  },
};

async function saveScale(ctx: Ctx, data: EditData, confirmed?: number): Promise<void> {
  const scale = data.scale ?? { maxScore: 0, weight: 1 };
  const outcome = await edits(ctx).setScale(
    actorOf(ctx).blocId,
    data.campaignId,
    data.criterionId ?? 0,
    scale,
    by(ctx),
    confirmed,
  );
  if (!outcome.saved) {
    ctx.reply({
      text: ctx.t("campaigns:editing.scale_confirm", {
        count: outcome.scores,
        max: formatScore(scale.maxScore),
      }),
      choices: [
        { id: "confirm", label: ctx.t("campaigns:editing.scale_confirm_yes") },
        { id: "keep", label: ctx.t("campaigns:editing.scale_confirm_no") },
      ],
    });
    ctx.flow.goto(EDIT_FLOW, "scale_confirm", { ...data, scores: outcome.scores });
    return;
  }
  const c = outcome.campaign;
  const criterion = c.criteriaScale.find((x) => x.id === data.criterionId);
  const lines = [
    ctx.t("campaigns:editing.saved_scale", {
      id: c.id,
      criterion: criterion ? describeCriterion(ctx.t, criterion) : "",
    }),
    outcome.rescaled > 0 ? ctx.t("campaigns:editing.rescaled", { count: outcome.rescaled }) : "",
  ];
  done(ctx, c, lines.filter(Boolean).join("\n"));
}

export const campaignEditFlow = typedSteps(editDataSchema, steps);
