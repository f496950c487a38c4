import { z } from "zod";
import { numberAnswer } from "../../core/answerText.ts";
import type { FlowSpec } from "../../core/commands.ts";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { typedStep } from "../../core/flowState.ts";
import { wallClockIn } from "../../i18n/datetime.ts";
import { memberActor } from "../../services/auditLog.ts";
import { parseDateInput } from "../campaigns/dateInput.ts";
import type { Services } from "../services.ts";
import { defaultQuorum, votesNeeded } from "./count.ts";
import { resultLines } from "./resultText.ts";
import type { BallotView } from "./service.ts";
import { statusLines } from "./statusText.ts";
import { readTicks, tickChoices } from "./ticks.ts";

type Ctx = HandlerContext<Services>;

/*
 * /binhxet (/ballot) for the lead: with a ballot open, who has voted (never what) and
 * closing it; after closing, the result and, on a tie, a second round among the tied;
 * else a new ballot: question, candidates (the year ranking's top units ticked), how
 * many a voter may choose, closing time, then a summary stating quorum and threshold.
 */

const FLOW = "ballotlead";
/** How many of the year ranking's top units are proposed as candidates. */
const PROPOSED = 3;

/** What the lead's ballot form keeps between its steps, read back through this schema at each. */
const leadDataSchema = z.object({
  question: z.string().optional(),
  ticked: z.array(z.number().int().positive()).optional(),
  choose: z.number().int().positive().optional(),
  closesAt: z.string().optional(),
  ballotId: z.number().int().positive().optional(),
});
type LeadData = z.infer<typeof leadDataSchema>;

const lead = (ctx: Ctx) => {
  if (!ctx.actor) throw new AppError("not_linked");
  return ctx.actor;
};

const defaultQuestion = (ctx: Ctx) =>
  ctx.t("ballot:default_question", {
    year: wallClockIn(ctx.clock.now(), lead(ctx).timezone).year,
  });

async function start(ctx: Ctx): Promise<void> {
  const actor = lead(ctx);
  const current = await ctx.services.ballots.current(actor.blocId);
  if (current?.status === "OPEN") {
    ctx.reply({
      text: statusLines(ctx.t, current, actor.timezone).join("\n"),
      choices: [
        { id: "close", label: ctx.t("ballot:close_now") },
        { id: "stop", label: ctx.t("ballot:leave") },
      ],
    });
    ctx.flow.goto(FLOW, "open", { ballotId: current.id } satisfies LeadData);
    return;
  }
  if (current) {
    const result = await ctx.services.ballots.result(actor.blocId, current.id);
    ctx.reply({
      text: resultLines(ctx.t, result, actor.timezone).join("\n"),
      choices: [
        ...(result.tied.length ? [{ id: "round2", label: ctx.t("ballot:second_round") }] : []),
        { id: "new", label: ctx.t("ballot:new") },
        { id: "stop", label: ctx.t("ballot:leave") },
      ],
    });
    ctx.flow.goto(FLOW, "closed", { ballotId: current.id } satisfies LeadData);
    return;
  }
  askQuestion(ctx);
}

function askQuestion(ctx: Ctx): void {
  ctx.reply({
    text: ctx.t("ballot:ask_question"),
    choices: [{ id: "default", label: defaultQuestion(ctx) }],
  });
  ctx.flow.goto(FLOW, "question", {} satisfies LeadData);
}

async function onOpen(ctx: Ctx, input: StepInput, data: LeadData): Promise<void> {
  const actor = lead(ctx);
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "stop") {
    ctx.flow.end();
    ctx.reply(ctx.t("ballot:left"));
    return;
  }
  if (choice === "close") {
    const view = await ctx.services.ballots.view(actor.blocId, data.ballotId ?? 0);
    if (view.voted < view.quorum) {
      ctx.reply({
        text: ctx.t("ballot:close_below_quorum", { voted: view.voted, quorum: view.quorum }),
        choices: [
          { id: "close_anyway", label: ctx.t("ballot:close_anyway") },
          { id: "stop", label: ctx.t("ballot:leave") },
        ],
      });
      ctx.flow.goto(FLOW, "open", data);
      return;
    }
    return close(ctx, data);
  }
  if (choice === "close_anyway") return close(ctx, data);
  throw new AppError("pick_a_choice");
}

async function close(ctx: Ctx, data: LeadData): Promise<void> {
  const actor = lead(ctx);
  const result = await ctx.services.ballots.close(
    actor.blocId,
    data.ballotId ?? 0,
    memberActor(actor.memberId),
  );
  ctx.flow.end();
  const lines = resultLines(ctx.t, result, actor.timezone);
  if (result.tied.length) {
    ctx.reply({
      text: lines.join("\n"),
      choices: [
        { id: "round2", label: ctx.t("ballot:second_round") },
        { id: "stop", label: ctx.t("ballot:leave") },
      ],
    });
    ctx.flow.goto(FLOW, "closed", data);
    return;
  }
  ctx.reply(lines.join("\n"));
}

async function onClosed(ctx: Ctx, input: StepInput, data: LeadData): Promise<void> {
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "stop") {
    ctx.flow.end();
    ctx.reply(ctx.t("ballot:left"));
    return;
  }
  if (choice === "new") return askQuestion(ctx);
  if (choice === "round2") {
    ctx.reply(ctx.t("ballot:ask_closes"));
    ctx.flow.goto(FLOW, "closes2", data);
    return;
  }
  throw new AppError("pick_a_choice");
}

async function readQuestion(ctx: Ctx, input: StepInput): Promise<void> {
  const question =
    input.type === "choice" && input.choiceId === "default"
      ? defaultQuestion(ctx)
      : input.type === "text"
        ? input.text.trim()
        : "";
  if (question.length < 3 || question.length > 300) throw new AppError("ballot_question_length");
  const actor = lead(ctx);
  const year = wallClockIn(ctx.clock.now(), actor.timezone).year;
  const ranking = await ctx.services.ranking.year(actor.blocId, year);
  const proposed = ranking.units
    .filter((u) => u.rank !== null)
    .slice(0, PROPOSED)
    .map((u) => u.unitId);
  return askCandidates(ctx, { question, ticked: proposed });
}

async function askCandidates(ctx: Ctx, data: LeadData): Promise<void> {
  const actor = lead(ctx);
  const units = await ctx.services.blocs.listUnits(actor.blocId);
  const ticked = data.ticked ?? [];
  ctx.reply({
    text: ctx.t("ballot:ask_candidates", { count: ticked.length }),
    choices: tickChoices(
      units.map((u) => ({ id: u.id, label: u.name })),
      ticked,
      ctx.t("ballot:candidates_done"),
      true,
    ),
  });
  ctx.flow.goto(FLOW, "candidates", data);
}

async function readCandidates(ctx: Ctx, input: StepInput, data: LeadData): Promise<void> {
  const { ticked, done } = readTicks(input, ctx.flow.offered, data.ticked ?? []);
  if (!done) return askCandidates(ctx, { ...data, ticked });
  if (ticked.length === 0) throw new AppError("ballot_candidates_invalid");
  ctx.reply({
    text: ctx.t("ballot:ask_choose", { count: ticked.length }),
    choices: ticked.slice(0, 5).map((_, i) => ({ id: `n${i + 1}`, label: String(i + 1) })),
  });
  ctx.flow.goto(FLOW, "choose", { ...data, ticked });
}

async function readChoose(ctx: Ctx, input: StepInput, data: LeadData): Promise<void> {
  const max = data.ticked?.length ?? 0;
  const n =
    input.type === "choice"
      ? Number(input.choiceId.slice(1))
      : input.type === "text"
        ? numberAnswer(input.text)
        : null;
  if (n === null || !Number.isInteger(n) || n < 1 || n > max) {
    throw new AppError("ballot_choose_invalid", { max });
  }
  ctx.reply(ctx.t("ballot:ask_closes"));
  ctx.flow.goto(FLOW, "closes", { ...data, choose: n });
}

function readDate(ctx: Ctx, input: StepInput): Date {
  const actor = lead(ctx);
  const text = input.type === "text" ? input.text : "";
  const at = parseDateInput(text, actor.timezone, ctx.clock.now(), "officeClose");
  if (!at) throw new AppError("bad_date", { input: text });
  if (at.getTime() <= ctx.clock.now().getTime()) throw new AppError("ballot_close_in_past");
  return at;
}

async function readCloses(ctx: Ctx, input: StepInput, data: LeadData): Promise<void> {
  const actor = lead(ctx);
  const closesAt = readDate(ctx, input);
  const units = await ctx.services.blocs.listUnits(actor.blocId);
  const threshold = await ctx.services.ballots.threshold(actor.blocId);
  const names = units.filter((u) => data.ticked?.includes(u.id)).map((u) => u.name);
  const preview: BallotView = {
    id: 0,
    blocId: actor.blocId,
    question: data.question ?? "",
    round: 1,
    status: "OPEN",
    candidates: names.map((unitName, i) => ({ unitId: i, unitName })),
    choose: data.choose ?? 1,
    quorum: defaultQuorum(units.length),
    thresholdPercent: threshold,
    needed: votesNeeded(units.length, threshold),
    closesAt,
    electorate: [],
    voted: 0,
    eligible: units.length,
  };
  ctx.reply({
    text: [
      ctx.t("ballot:preview_title"),
      ...statusLines(ctx.t, preview, actor.timezone, false),
    ].join("\n"),
    choices: [
      { id: "open", label: ctx.t("ballot:open") },
      { id: "cancel", label: ctx.t("ballot:cancel") },
    ],
  });
  ctx.flow.goto(FLOW, "confirm", { ...data, closesAt: closesAt.toISOString() });
}

async function readConfirm(ctx: Ctx, input: StepInput, data: LeadData): Promise<void> {
  const actor = lead(ctx);
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "cancel") {
    ctx.flow.end();
    ctx.reply(ctx.t("ballot:cancelled"));
    return;
  }
  if (choice !== "open") throw new AppError("pick_a_choice");
  const view = await ctx.services.ballots.open(
    actor.blocId,
    {
      question: data.question ?? "",
      candidates: data.ticked ?? [],
      choose: data.choose ?? 1,
      closesAt: new Date(data.closesAt ?? 0),
    },
    memberActor(actor.memberId),
  );
  ctx.flow.end();
  ctx.reply(ctx.t("ballot:opened_lead", { id: view.id, count: view.eligible }));
}

async function readCloses2(ctx: Ctx, input: StepInput, data: LeadData): Promise<void> {
  const actor = lead(ctx);
  const closesAt = readDate(ctx, input);
  const view = await ctx.services.ballots.secondRound(
    actor.blocId,
    data.ballotId ?? 0,
    closesAt,
    memberActor(actor.memberId),
  );
  ctx.flow.end();
  ctx.reply(
    [ctx.t("ballot:second_round_opened"), ...statusLines(ctx.t, view, actor.timezone)].join("\n"),
  );
}

export const ballotCommand = {
  names: ["ballot", "binhxet"],
  audience: ["LEAD"] as const,
  helpKey: "ballot",
  startsForm: true,
  run: (ctx: Ctx) => start(ctx),
};

export const ballotLeadFlow: FlowSpec<Services> = {
  name: FLOW,
  steps: {
    open: typedStep(leadDataSchema, onOpen),
    closed: typedStep(leadDataSchema, onClosed),
    question: readQuestion,
    candidates: typedStep(leadDataSchema, readCandidates),
    choose: typedStep(leadDataSchema, readChoose),
    closes: typedStep(leadDataSchema, readCloses),
    confirm: typedStep(leadDataSchema, readConfirm),
    closes2: typedStep(leadDataSchema, readCloses2),
  },
};
