import { z } from "zod";
import type { FlowSpec } from "../../core/commands.ts";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { typedStep } from "../../core/flowState.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Services } from "../services.ts";
import { resultLines } from "./resultText.ts";
import type { BallotView } from "./service.ts";
import { readTicks, tickChoices, tickId } from "./ticks.ts";

type Ctx = HandlerContext<Services>;

/*
 * /bophieu (/vote): a unit's focal point (or its head, a lead with a unit) picks the
 * candidates, confirms, and may come back to change the vote until closing. The flow is
 * secret: the pipeline keeps none of its answers once handled, the conversation state
 * holds the ticks only until the vote is cast, and no reply after casting names them.
 */

export const VOTE_FLOW = "vote";

/** What the vote form keeps between its steps, read back through this schema at each. */
const voteDataSchema = z.object({
  ballotId: z.number().int().positive(),
  round: z.number().int().positive(),
  ticked: z.array(z.number().int().positive()),
});
type VoteData = z.infer<typeof voteDataSchema>;

function voter(ctx: Ctx) {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  if (actor.unitId === null || (actor.role !== "FOCAL" && actor.role !== "LEAD")) {
    throw new AppError("ballot_not_voter");
  }
  return { ...actor, unitId: actor.unitId };
}

async function openBallot(ctx: Ctx, ballotId?: number): Promise<BallotView> {
  const actor = voter(ctx);
  const view = ballotId
    ? await ctx.services.ballots.view(actor.blocId, ballotId)
    : await ctx.services.ballots.current(actor.blocId);
  if (view?.status !== "OPEN" || view.closesAt.getTime() <= ctx.clock.now().getTime()) {
    throw new AppError("ballot_closed");
  }
  if (!view.electorate.some((e) => e.unitId === actor.unitId)) {
    throw new AppError("ballot_not_voter");
  }
  return view;
}

async function start(ctx: Ctx): Promise<void> {
  const actor = voter(ctx);
  const current = await ctx.services.ballots.current(actor.blocId);
  if (current && current.status === "CLOSED" && current.round > 0) {
    // Nothing open: the last result is what a voter may want to see.
    const result = await ctx.services.ballots.result(actor.blocId, current.id).catch(() => null);
    if (result) {
      ctx.reply(
        [ctx.t("errors:ballot_closed"), "", ...resultLines(ctx.t, result, actor.timezone)].join(
          "\n",
        ),
      );
      return;
    }
  }
  const view = await openBallot(ctx);
  const by = await ctx.services.ballots.votedBy(view.id, view.round, actor.unitId);
  if (by && by.memberId !== actor.memberId) {
    throw new AppError("ballot_unit_voted", { name: by.name });
  }
  ask(ctx, view, [], by !== null);
}

function ask(ctx: Ctx, view: BallotView, ticked: number[], hasVoted = false): void {
  const actor = voter(ctx);
  const items = view.candidates.map((c) => ({ id: c.unitId, label: c.unitName }));
  const lines = [
    ctx.t("ballot:vote_title", { question: view.question, round: view.round }),
    ctx.t("ballot:vote_rules", {
      choose: view.choose,
      threshold: view.thresholdPercent,
      needed: view.needed,
      eligible: view.eligible,
      at: formatDateTime(view.closesAt, actor.timezone),
    }),
  ];
  if (hasVoted) lines.push(ctx.t("ballot:vote_again"));
  if (view.choose > 1) lines.push(ctx.t("ballot:vote_ticked", { count: ticked.length }));
  ctx.reply({
    text: lines.join("\n"),
    choices:
      view.choose === 1
        ? items.map((i) => ({ id: tickId(i.id), label: i.label }))
        : tickChoices(items, ticked, ctx.t("ballot:vote_done"), true),
  });
  ctx.flow.goto(VOTE_FLOW, "pick", {
    ballotId: view.id,
    round: view.round,
    ticked,
  } satisfies VoteData);
}

async function pick(ctx: Ctx, input: StepInput, data: VoteData): Promise<void> {
  const view = await openBallot(ctx, data.ballotId);
  if (view.round !== data.round) throw new AppError("stale_choice");
  const { ticked, done } = readTicks(input, ctx.flow.offered, data.ticked);
  if (ticked.some((id) => !view.candidates.some((c) => c.unitId === id))) {
    throw new AppError("ballot_not_candidate");
  }
  // Refused whole: the step stays as it was, with what was ticked before.
  if (ticked.length > view.choose) throw new AppError("ballot_too_many", { max: view.choose });
  if (view.choose === 1 || done) {
    if (ticked.length === 0) throw new AppError("ballot_choose_some", { max: view.choose });
    return confirmAsk(ctx, view, ticked);
  }
  ask(ctx, view, ticked);
}

function confirmAsk(ctx: Ctx, view: BallotView, ticked: number[]): void {
  const names = view.candidates.filter((c) => ticked.includes(c.unitId)).map((c) => c.unitName);
  ctx.reply({
    text: ctx.t("ballot:confirm", { units: names.join(", "), count: names.length }),
    choices: [
      { id: "cast", label: ctx.t("ballot:cast") },
      { id: "again", label: ctx.t("ballot:choose_again") },
      { id: "cancel", label: ctx.t("ballot:cancel") },
    ],
  });
  ctx.flow.goto(VOTE_FLOW, "confirm", {
    ballotId: view.id,
    round: view.round,
    ticked,
  } satisfies VoteData);
}

async function confirm(ctx: Ctx, input: StepInput, data: VoteData): Promise<void> {
  const actor = voter(ctx);
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "cancel") {
    ctx.flow.end();
    ctx.reply(ctx.t("ballot:cancelled"));
    return;
  }
  if (choice === "again") return ask(ctx, await openBallot(ctx, data.ballotId), []);
  if (choice !== "cast") throw new AppError("pick_a_choice");
  const { changed, view } = await ctx.services.ballots.cast(
    actor.blocId,
    data.ballotId,
    { memberId: actor.memberId, unitId: actor.unitId },
    data.ticked,
  );
  ctx.flow.end();
  ctx.reply(
    ctx.t(changed ? "ballot:changed" : "ballot:cast_done", {
      unit: actor.unitName ?? "",
      at: formatDateTime(view.closesAt, actor.timezone),
    }),
  );
}

export const voteCommand = {
  names: ["vote", "bophieu"],
  audience: "member" as const,
  helpKey: "vote",
  startsForm: true,
  secret: true,
  run: (ctx: Ctx) => start(ctx),
};

export const voteFlow: FlowSpec<Services> = {
  name: VOTE_FLOW,
  secret: true,
  steps: { pick: typedStep(voteDataSchema, pick), confirm: typedStep(voteDataSchema, confirm) },
};
