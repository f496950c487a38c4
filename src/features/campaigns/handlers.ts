import { z } from "zod";
import { fold } from "../../core/answerText.ts";
import type { Feature } from "../../core/commands.ts";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { typedStep } from "../../core/flowState.ts";
import type { Choice } from "../../core/outbound.ts";
import { formatDate, formatDateTime } from "../../i18n/datetime.ts";
import { LANGUAGES } from "../../i18n/translator.ts";
import { memberActor } from "../../services/auditLog.ts";
import { ANNOUNCE_FLOW } from "../announcements/handlers.ts";
import type { Services } from "../services.ts";
import type { Thresholds } from "./criteria.ts";
import { parseDateInput } from "./dateInput.ts";
import { describeDraftIn, draftOf, type FormData, isScored } from "./draftText.ts";
import { campaignEditFlow, EDIT_FLOW, extendCommand, startEdit } from "./editCommand.ts";
import { CAMPAIGN_RULES_FLOW, campaignRulesFlow, changeCampaignRules } from "./rulesCommand.ts";
import { askLateRule, askThresholds, rulesDataShape, rulesSteps } from "./rulesSteps.ts";
import { type CampaignDraft, campaignDraftSchema, hashtagSchema } from "./schema.ts";
import { type CampaignSummary, normalizeHashtag } from "./service.ts";

/** What the new-campaign form keeps between its steps, read back through this schema at each. */
const formDataSchema: z.ZodType<FormData> = z.looseObject({
  title: z.string().optional(),
  description: z.string().optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  criteria: z.array(z.string()).optional(),
  deadlines: z.array(z.string()).optional(),
  hashtag: z.string().nullable().optional(),
  ...rulesDataShape,
  editing: z.boolean().optional(),
});

type Ctx = HandlerContext<Services>;

/* /campaign new: a guided form. Nothing is saved until the lead confirms. */

const FLOW = "campaign";
const STEPS = [
  "title",
  "description",
  "start",
  "end",
  "criteria",
  "late",
  "thresholds",
  "deadlines",
  "hashtag",
] as const;
type FieldStep = (typeof STEPS)[number];
const OPTIONAL: readonly FieldStep[] = ["description", "criteria", "hashtag"];
/** Asked only when a criterion is scored: without scores there is no ranking to rule. */
const RANKING_STEPS: readonly FieldStep[] = ["late", "thresholds"];

const actorOf = (ctx: Ctx) => {
  if (!ctx.actor) throw new AppError("not_linked");
  return ctx.actor;
};

/** The fields of this draft, in order: the ranking's rules only when something is scored. */
const stepsOf = (data: FormData) =>
  STEPS.filter((step) => isScored(data) || !RANKING_STEPS.includes(step));

async function ask(ctx: Ctx, step: FieldStep | "confirm", data: FormData): Promise<void> {
  if (step === "late") return askLateRule(ctx, FLOW, data);
  if (step === "thresholds") return askThresholds(ctx, FLOW, data);
  if (step === "confirm") {
    const bloc = await ctx.services.campaigns.blocThresholds(actorOf(ctx).blocId);
    ctx.reply({
      text: `${ctx.t("campaigns:summary_title")}\n\n${describeDraft(ctx, data, bloc)}`,
      choices: [
        { id: "activate", label: ctx.t("campaigns:save_activate") },
        { id: "draft", label: ctx.t("campaigns:save_draft") },
        { id: "edit", label: ctx.t("campaigns:edit") },
        { id: "cancel", label: ctx.t("campaigns:discard") },
      ],
    });
  } else {
    const choices: Choice[] = OPTIONAL.includes(step)
      ? [{ id: "skip", label: ctx.t("campaigns:skip") }]
      : [];
    ctx.reply({ text: ctx.t(`campaigns:ask_${step}`), choices });
  }
  ctx.flow.goto(FLOW, step, data);
}

function nextStep(step: FieldStep, data: FormData): FieldStep | "confirm" {
  if (data.editing) return "confirm";
  const after = STEPS.slice(STEPS.indexOf(step) + 1);
  return after.find((next) => stepsOf(data).includes(next)) ?? "confirm";
}

function describeDraft(ctx: Ctx, data: FormData, blocThresholds?: Thresholds): string {
  return describeDraftIn(ctx.t, actorOf(ctx).timezone, data, blocThresholds);
}

const isSkip = (input: StepInput) =>
  (input.type === "choice" && input.choiceId === "skip") ||
  (input.type === "text" && input.text.trim() === "-");

function textOf(input: StepInput): string {
  if (input.type !== "text") throw new AppError("text_expected");
  return input.text.trim();
}

/** Splits a list typed one item per line (bullets and numbers are dropped). */
const lines = (text: string) =>
  text
    .split(/\n|;/)
    .map((l) => l.replace(/^\s*(?:[-•*+]|\d+[.)])\s*/, "").trim())
    .filter(Boolean);

function fieldStep(
  step: FieldStep,
  read: (ctx: Ctx, input: StepInput, data: FormData) => FormData,
) {
  return typedStep(formDataSchema, async (ctx: Ctx, input: StepInput, data: FormData) => {
    const updated = read(ctx, input, data);
    await ask(ctx, nextStep(step, updated), updated);
  });
}

const readTitle = fieldStep("title", (_ctx, input, data) => {
  const title = textOf(input);
  if (title.length < 3 || title.length > 300) throw new AppError("campaign_title_length");
  return { ...data, title };
});

const readDescription = fieldStep("description", (_ctx, input, data) => ({
  ...data,
  description: isSkip(input) ? "" : textOf(input).slice(0, 2000),
}));

const readDate =
  (which: "startsAt" | "endsAt") =>
  (ctx: Ctx, input: StepInput, data: FormData): FormData => {
    const text = textOf(input);
    const actor = actorOf(ctx);
    const at = parseDateInput(
      text,
      actor.timezone,
      ctx.clock.now(),
      which === "startsAt" ? "startOfDay" : "endOfDay",
    );
    if (!at) throw new AppError("bad_date", { input: text });
    const next = { ...data, [which]: at.toISOString() };
    if (next.startsAt && next.endsAt && next.endsAt <= next.startsAt) {
      throw new AppError("campaign_end_before_start");
    }
    return next;
  };

const readCriteria = fieldStep("criteria", (_ctx, input, data) => ({
  ...data,
  criteria: isSkip(input) ? [] : lines(textOf(input)).slice(0, 50),
}));

const readDeadlines = fieldStep("deadlines", (ctx, input, data) => {
  const actor = actorOf(ctx);
  const items = textOf(input)
    .split(/\n|;|,/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new AppError("bad_date", { input: "" });
  const start = new Date(data.startsAt ?? 0);
  const end = new Date(data.endsAt ?? 0);
  const deadlines = items.map((item) => {
    const at = parseDateInput(item, actor.timezone, ctx.clock.now(), "officeClose");
    if (!at) throw new AppError("bad_date", { input: item });
    if (at < start || at > end) {
      throw new AppError("deadline_outside", {
        input: item,
        start: formatDate(start, actor.timezone),
        end: formatDate(end, actor.timezone),
      });
    }
    return at.toISOString();
  });
  return { ...data, deadlines: [...new Set(deadlines)].sort() };
});

/** Checked against the bloc's open campaigns here, not only when the form is saved. */
async function readHashtag(ctx: Ctx, input: StepInput, data: FormData): Promise<void> {
  if (isSkip(input)) return ask(ctx, nextStep("hashtag", data), { ...data, hashtag: null });
  const text = textOf(input).replace(/^#?/, "#").toLowerCase();
  if (!hashtagSchema.safeParse(text).success) throw new AppError("bad_hashtag");
  await ctx.services.campaigns.checkHashtagFree(actorOf(ctx).blocId, normalizeHashtag(text), null);
  await ask(ctx, nextStep("hashtag", data), { ...data, hashtag: text });
}

async function confirm(ctx: Ctx, input: StepInput, data: FormData): Promise<void> {
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "cancel") {
    ctx.flow.end();
    ctx.reply(ctx.t("campaigns:discarded"));
    return;
  }
  if (choice === "edit") {
    ctx.reply({
      text: ctx.t("campaigns:edit_which"),
      choices: stepsOf(data).map((step) => ({
        id: step,
        label: ctx.t(`campaigns:field_${step}`),
      })),
    });
    ctx.flow.goto(FLOW, "edit", data);
    return;
  }
  if (choice !== "activate" && choice !== "draft") throw new AppError("pick_a_choice");
  const actor = actorOf(ctx);
  const scored = isScored(data);
  const draft: CampaignDraft = campaignDraftSchema.parse({
    ...data,
    deadlines: data.deadlines ?? [],
    criteria: data.criteria ?? [],
    hashtag: data.hashtag ?? null,
    // Criteria edited to no scores leave no ranking for earlier answers to rule.
    lateRule: scored ? (data.lateRule ?? "none") : "none",
    thresholds: scored ? (data.thresholds ?? null) : null,
  });
  const by = memberActor(actor.memberId);
  let campaign = await ctx.services.campaigns.create(actor.blocId, draft, by);
  if (choice === "activate")
    campaign = await ctx.services.campaigns.activate(actor.blocId, campaign.id, by);
  ctx.flow.end();
  if (choice === "activate") return offerAnnouncement(ctx, campaign, "campaigns:created_active");
  ctx.reply(ctx.t("campaigns:created_draft", { id: campaign.id, title: campaign.title }));
}

/** A campaign just opened: offer to broadcast its summary and deadlines to the units. */
async function offerAnnouncement(ctx: Ctx, campaign: CampaignSummary, key: string): Promise<void> {
  const bloc = await ctx.services.campaigns.blocThresholds(campaign.blocId);
  ctx.reply({
    text: `${ctx.t(key, { id: campaign.id, title: campaign.title })}\n${ctx.t("campaigns:offer_announce")}`,
    choices: [
      { id: "announce", label: ctx.t("campaigns:announce_yes") },
      { id: "no", label: ctx.t("campaigns:announce_no") },
    ],
  });
  const texts = Object.fromEntries(
    LANGUAGES.map((language) => {
      const t = ctx.services.translate(language);
      const body = describeDraftIn(t, actorOf(ctx).timezone, draftOf(campaign), bloc);
      return [language, `${t("campaigns:announcement_header")}\n${body}`];
    }),
  );
  const text = texts[ctx.language] ?? "";
  ctx.flow.goto(ANNOUNCE_FLOW, "offer", { text, texts, photoKey: null, campaignId: campaign.id });
}

async function pickFieldToEdit(ctx: Ctx, input: StepInput, data: FormData): Promise<void> {
  const step = stepsOf(data).find((s) => input.type === "choice" && input.choiceId === s);
  if (!step) throw new AppError("pick_a_choice");
  await ask(ctx, step, { ...data, editing: true });
}

/** After the late rule, the classes; after those, the deadlines (or the summary when editing). */
const rulesInForm = rulesSteps<FormData>(FLOW, formDataSchema, (ctx, question, data) =>
  ask(ctx, nextStep(question, data), data),
);

/* Commands */

async function describeCampaign(ctx: Ctx, c: CampaignSummary): Promise<string> {
  const status = ` (${ctx.t(`campaigns:status.${c.status}`)})`;
  const bloc = await ctx.services.campaigns.blocThresholds(c.blocId);
  return describeDraft(ctx, { ...draftOf(c), title: `#${c.id} ${c.title}${status}` }, bloc);
}

async function campaignCommand(ctx: Ctx, args: string): Promise<void> {
  const actor = actorOf(ctx);
  const [sub = "", idText = ""] = args.split(/\s+/);
  const by = memberActor(actor.memberId);
  const id = Number((sub.match(/^\d+$/) ? sub : idText).replace(/^#/, ""));
  switch (sub.toLowerCase()) {
    case "new":
    case "moi":
    case "mới":
      return ask(ctx, "title", {});
    case "edit":
    case "sua":
    case "sửa":
      return startEdit(ctx, requireId(ctx, id));
    case "rules":
    case "settings":
    case "quydinh":
    case "caidat":
      return changeCampaignRules(ctx, requireId(ctx, id));
    case "activate":
    case "mo":
    case "mở": {
      const c = await ctx.services.campaigns.activate(actor.blocId, requireId(ctx, id), by);
      return offerAnnouncement(ctx, c, "campaigns:activated");
    }
    case "close":
    case "dong":
    case "đóng": {
      // Closing ends reporting for every unit: asked once more, and it can be undone.
      const c = await ctx.services.campaigns.get(actor.blocId, requireId(ctx, id));
      if (c.status !== "ACTIVE") throw new AppError("campaign_wrong_state", { status: c.status });
      ctx.reply({
        text: ctx.t("campaigns:close_confirm", { id: c.id, title: c.title }),
        choices: [
          { id: "close", label: ctx.t("campaigns:close_yes") },
          { id: "keep", label: ctx.t("campaigns:close_no") },
        ],
      });
      ctx.flow.goto(CLOSE_FLOW, "confirm", { id: c.id });
      return;
    }
    case "reopen":
    case "molai":
    case "mở lại": {
      const c = await ctx.services.campaigns.reopen(actor.blocId, requireId(ctx, id), by);
      ctx.reply(ctx.t("campaigns:reopened", { id: c.id, title: c.title }));
      return;
    }
    default:
      if (!Number.isInteger(id) || id <= 0)
        throw new AppError("bad_arguments", { usage: ctx.t("campaigns:usage") });
      ctx.reply(await describeCampaign(ctx, await ctx.services.campaigns.get(actor.blocId, id)));
  }
}

const CLOSE_FLOW = "campaign_close";

const closeSchema = z.looseObject({ id: z.number().int() });

async function closeConfirm(
  ctx: Ctx,
  input: StepInput,
  { id }: z.infer<typeof closeSchema>,
): Promise<void> {
  if (input.type !== "choice") throw new AppError("pick_a_choice");
  ctx.flow.end();
  if (input.choiceId !== "close") {
    ctx.reply(ctx.t("campaigns:close_kept", { id }));
    return;
  }
  const actor = actorOf(ctx);
  const c = await ctx.services.campaigns.close(actor.blocId, id, memberActor(actor.memberId));
  ctx.reply(ctx.t("campaigns:closed", { id: c.id, title: c.title }));
}

function requireId(ctx: Ctx, id: number): number {
  if (!Number.isInteger(id) || id <= 0)
    throw new AppError("bad_arguments", { usage: ctx.t("campaigns:usage") });
  return id;
}

async function listCampaigns(ctx: Ctx, args: string): Promise<void> {
  const actor = actorOf(ctx);
  const isLead = actor.role === "LEAD";
  // "/campaigns all" (tat ca) adds the closed ones, for the year-end review.
  const all = ["all", "tat ca", "tatca"].includes(fold(args));
  const campaigns = await ctx.services.campaigns.list(
    actor.blocId,
    isLead ? (all ? ["ACTIVE", "DRAFT", "CLOSED"] : ["ACTIVE", "DRAFT"]) : ["ACTIVE"],
  );
  if (campaigns.length === 0) {
    const closed =
      isLead && !all ? await ctx.services.campaigns.list(actor.blocId, ["CLOSED"]) : [];
    ctx.reply(
      closed.length > 0
        ? ctx.t("campaigns:none_open_some_closed", { count: closed.length })
        : ctx.t(isLead ? "campaigns:none_lead" : "campaigns:none"),
    );
    return;
  }
  const now = ctx.clock.now();
  const lines = campaigns.map((c) => {
    const next = c.deadlines.find((d) => d.dueAt >= now);
    const nextText = next
      ? ctx.t("campaigns:next_deadline", { date: formatDateTime(next.dueAt, actor.timezone) })
      : ctx.t("campaigns:no_next_deadline");
    const status = c.status !== "ACTIVE" ? ` [${ctx.t(`campaigns:status.${c.status}`)}]` : "";
    const tag = c.hashtag ? ` ${c.hashtag}` : "";
    return `#${c.id} ${c.title}${status}${tag}\n   ${nextText}`;
  });
  ctx.reply([ctx.t("campaigns:list_title"), ...lines].join("\n"));
}

export const campaignsFeature: Feature<Services> = {
  commands: [
    {
      names: ["campaigns", "dotthidua"],
      audience: "member",
      helpKey: "campaigns",
      run: listCampaigns,
    },
    {
      names: ["campaign", "thidua"],
      audience: ["LEAD"],
      helpKey: "campaign",
      run: campaignCommand,
    },
    {
      names: ["extend", "giahan"],
      startsForm: true,
      audience: ["LEAD"],
      helpKey: "extend",
      run: extendCommand,
    },
    {
      names: ["newcampaign", "taothidua"],
      startsForm: true,
      audience: ["LEAD"],
      helpKey: "newcampaign",
      run: (ctx) => ask(ctx, "title", {}),
    },
  ],
  flows: [
    { name: CLOSE_FLOW, steps: { confirm: typedStep(closeSchema, closeConfirm) } },
    { name: CAMPAIGN_RULES_FLOW, steps: campaignRulesFlow },
    { name: EDIT_FLOW, steps: campaignEditFlow },
    {
      name: FLOW,
      steps: {
        title: readTitle,
        description: readDescription,
        start: fieldStep("start", readDate("startsAt")),
        end: fieldStep("end", readDate("endsAt")),
        criteria: readCriteria,
        ...rulesInForm,
        deadlines: readDeadlines,
        hashtag: typedStep(formDataSchema, readHashtag),
        confirm: typedStep(formDataSchema, confirm),
        edit: typedStep(formDataSchema, pickFieldToEdit),
      },
    },
  ],
};
