import { z } from "zod";
import type { Feature } from "../../core/commands.ts";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { typedStep } from "../../core/flowState.ts";
import { formatDateTime, wallClockIn } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import { memberActor } from "../../services/auditLog.ts";
import { readTicks, tickChoices } from "../ballot/ticks.ts";
import { parseDateInput } from "../campaigns/dateInput.ts";
import type { Services } from "../services.ts";
import type { RegistrationRecord } from "./service.ts";
import { linesOf } from "./titles.ts";

type Ctx = HandlerContext<Services>;

/*
 * /dangky (/register). The lead opens the year's registration (deadline, titles) and
 * later sees who registered and approves or returns each; a unit's focal point ticks
 * the titles it aims at, types its commitments, and sends; it may send again until
 * the lead approves.
 */

const LEAD_FLOW = "reglead";
const UNIT_FLOW = "regunit";

/** What the form keeps between its steps, read back through this schema at each step. */
const leadDataSchema = z.looseObject({
  deadline: z.string().optional(),
  registrationId: z.number().int().optional(),
  version: z.number().int().optional(),
});
type LeadData = z.infer<typeof leadDataSchema>;

/** What the form keeps between its steps, read back through this schema at each step. */
const unitDataSchema = z.looseObject({
  ticked: z.array(z.number().int()),
  commitments: z.array(z.string()),
});
type UnitData = z.infer<typeof unitDataSchema>;

const actorOf = (ctx: Ctx) => {
  if (!ctx.actor) throw new AppError("not_linked");
  return ctx.actor;
};

const thisYear = (ctx: Ctx) => wallClockIn(ctx.clock.now(), actorOf(ctx).timezone).year;

const stateWord = (t: Translate, r: RegistrationRecord) =>
  t(`registration:state.${r.state}`) + (r.late ? ` · ${t("registration:late")}` : "");

/** A registration as lines: the unit, its state, the titles and commitments. */
export function recordLines(t: Translate, r: RegistrationRecord): string[] {
  const lines = [`${r.unitName} — ${stateWord(t, r)}`];
  if (r.titles.length) lines.push(t("registration:titles_line", { titles: r.titles.join("; ") }));
  lines.push(...r.commitments.map((c) => `  • ${c}`));
  if (r.state === "RETURNED" && r.reason) {
    lines.push(t("registration:reason_line", { reason: r.reason }));
  }
  return lines;
}

async function start(ctx: Ctx): Promise<void> {
  const actor = actorOf(ctx);
  if (actor.role === "LEAD") return leadStart(ctx);
  if (actor.role !== "FOCAL") throw new AppError("forbidden");
  return unitStart(ctx);
}

/* The lead. */

async function leadStart(ctx: Ctx): Promise<void> {
  const actor = actorOf(ctx);
  const round = await ctx.services.registrations.round(actor.blocId, thisYear(ctx));
  if (!round) {
    ctx.reply(ctx.t("registration:ask_deadline", { year: thisYear(ctx) }));
    ctx.flow.goto(LEAD_FLOW, "deadline", {} satisfies LeadData);
    return;
  }
  const records = await ctx.services.registrations.records(actor.blocId, round.year);
  const count = (state: string) => records.filter((r) => r.state === state).length;
  const none = records.filter((r) => r.state === "NONE").map((r) => r.unitName);
  const lines = [
    ctx.t("registration:status_title", {
      year: round.year,
      deadline: formatDateTime(round.deadline, actor.timezone),
    }),
    ctx.t("registration:status_counts", {
      approved: count("APPROVED"),
      awaiting: count("AWAITING"),
      returned: count("RETURNED"),
      none: none.length,
    }),
  ];
  if (none.length) lines.push(ctx.t("registration:not_registered", { units: none.join(", ") }));
  const waiting = count("AWAITING");
  ctx.reply({
    text: lines.join("\n"),
    choices: [
      ...(waiting
        ? [{ id: "review", label: ctx.t("registration:review", { count: waiting }) }]
        : []),
      { id: "stop", label: ctx.t("registration:leave") },
    ],
  });
  ctx.flow.goto(LEAD_FLOW, "menu", {} satisfies LeadData);
}

async function readDeadline(ctx: Ctx, input: StepInput): Promise<void> {
  const actor = actorOf(ctx);
  const text = input.type === "text" ? input.text : "";
  const deadline = parseDateInput(text, actor.timezone, ctx.clock.now(), "officeClose");
  if (!deadline) throw new AppError("bad_date", { input: text });
  if (deadline.getTime() <= ctx.clock.now().getTime()) {
    throw new AppError("registration_deadline_past");
  }
  const titles = await ctx.services.registrations.blocTitles(actor.blocId);
  ctx.reply({
    text: [
      ctx.t("registration:ask_titles"),
      ...titles.map((x, i) => `${i + 1}. ${x}`),
      ctx.t("registration:ask_titles_hint"),
    ].join("\n"),
    choices: [{ id: "keep", label: ctx.t("registration:titles_keep") }],
  });
  ctx.flow.goto(LEAD_FLOW, "titles", { deadline: deadline.toISOString() } satisfies LeadData);
}

async function readTitles(ctx: Ctx, input: StepInput, data: LeadData): Promise<void> {
  const actor = actorOf(ctx);
  let titles: string[] | undefined;
  if (input.type === "text") {
    titles = linesOf(input.text);
    await ctx.services.registrations.setBlocTitles(
      actor.blocId,
      titles,
      memberActor(actor.memberId),
    );
  } else if (!(input.type === "choice" && input.choiceId === "keep")) {
    throw new AppError("pick_a_choice");
  }
  const round = await ctx.services.registrations.open(
    actor.blocId,
    { year: thisYear(ctx), deadline: new Date(data.deadline ?? 0), ...(titles ? { titles } : {}) },
    memberActor(actor.memberId),
  );
  ctx.flow.end();
  ctx.reply(
    ctx.t("registration:opened_lead", {
      year: round.year,
      deadline: formatDateTime(round.deadline, actor.timezone),
      titles: round.titles.join("; "),
    }),
  );
}

async function onMenu(ctx: Ctx, input: StepInput): Promise<void> {
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "stop") {
    ctx.flow.end();
    ctx.reply(ctx.t("registration:left"));
    return;
  }
  if (choice === "review") return offer(ctx, 0);
  throw new AppError("pick_a_choice");
}

async function offer(ctx: Ctx, afterId: number, before?: string): Promise<void> {
  const actor = actorOf(ctx);
  const next = await ctx.services.registrations.next(actor.blocId, afterId);
  if (!next?.id) {
    ctx.flow.end();
    ctx.reply([before, ctx.t("registration:nothing_waiting")].filter(Boolean).join("\n"));
    return;
  }
  ctx.reply({
    text: [before, ...recordLines(ctx.t, next)].filter(Boolean).join("\n"),
    choices: [
      { id: "approve", label: ctx.t("registration:approve") },
      { id: "return", label: ctx.t("registration:return") },
      { id: "next", label: ctx.t("registration:skip") },
      { id: "stop", label: ctx.t("registration:leave") },
    ],
  });
  ctx.flow.goto(LEAD_FLOW, "decide", {
    registrationId: next.id,
    version: next.version,
  } satisfies LeadData);
}

async function onDecide(ctx: Ctx, input: StepInput, data: LeadData): Promise<void> {
  const actor = actorOf(ctx);
  const choice = input.type === "choice" ? input.choiceId : "";
  switch (choice) {
    case "approve": {
      const record = await ctx.services.registrations.decide(
        actor.blocId,
        data.registrationId ?? 0,
        data.version ?? 0,
        actor.memberId,
        { approve: true },
      );
      return offer(ctx, 0, ctx.t("registration:approved", { unit: record.unitName }));
    }
    case "return":
      ctx.reply(ctx.t("registration:ask_reason"));
      ctx.flow.goto(LEAD_FLOW, "reason", data);
      return;
    case "next":
      return offer(ctx, data.registrationId ?? 0);
    case "stop":
      ctx.flow.end();
      ctx.reply(ctx.t("registration:left"));
      return;
    default:
      throw new AppError("pick_a_choice");
  }
}

async function readReason(ctx: Ctx, input: StepInput, data: LeadData): Promise<void> {
  const actor = actorOf(ctx);
  if (input.type !== "text" || !input.text.trim()) throw new AppError("reason_required");
  const record = await ctx.services.registrations.decide(
    actor.blocId,
    data.registrationId ?? 0,
    data.version ?? 0,
    actor.memberId,
    { approve: false, reason: input.text },
  );
  return offer(ctx, 0, ctx.t("registration:returned", { unit: record.unitName }));
}

/* A unit. */

async function unitStart(ctx: Ctx): Promise<void> {
  const actor = actorOf(ctx);
  const round = await ctx.services.registrations.round(actor.blocId);
  if (!round) throw new AppError("registration_not_open");
  const mine = (await ctx.services.registrations.records(actor.blocId, round.year)).find(
    (r) => r.unitId === actor.unitId,
  );
  if (mine?.state === "APPROVED") {
    ctx.reply([ctx.t("errors:registration_approved"), ...recordLines(ctx.t, mine)].join("\n"));
    return;
  }
  const before = mine && mine.state !== "NONE" ? recordLines(ctx.t, mine) : [];
  const ticked = round.titles
    .map((title, i) => (mine?.titles.includes(title) ? i : -1))
    .filter((i) => i >= 0);
  const late = ctx.clock.now().getTime() > round.deadline.getTime();
  await askTitles(ctx, { ticked, commitments: [] }, [
    ...before,
    ctx.t("registration:unit_intro", {
      year: round.year,
      deadline: formatDateTime(round.deadline, actor.timezone),
    }),
    ...(late ? [ctx.t("registration:late_warning")] : []),
  ]);
}

async function askTitles(ctx: Ctx, data: UnitData, before: string[] = []): Promise<void> {
  const actor = actorOf(ctx);
  const round = await ctx.services.registrations.round(actor.blocId);
  if (!round) throw new AppError("registration_not_open");
  ctx.reply({
    text: [...before, ctx.t("registration:ask_unit_titles", { count: data.ticked.length })].join(
      "\n",
    ),
    choices: tickChoices(
      round.titles.map((label, id) => ({ id, label })),
      data.ticked,
      ctx.t("registration:titles_done"),
      true,
    ),
  });
  ctx.flow.goto(UNIT_FLOW, "titles", data);
}

async function readUnitTitles(ctx: Ctx, input: StepInput, data: UnitData): Promise<void> {
  const { ticked, done } = readTicks(input, ctx.flow.offered, data.ticked);
  if (!done) return askTitles(ctx, { ...data, ticked });
  if (ticked.length === 0) throw new AppError("registration_titles_invalid");
  ctx.reply({
    text: ctx.t("registration:ask_commitments"),
    choices: [{ id: "done", label: ctx.t("registration:commitments_done") }],
  });
  ctx.flow.goto(UNIT_FLOW, "commitments", { ...data, ticked });
}

async function readCommitments(ctx: Ctx, input: StepInput, data: UnitData): Promise<void> {
  if (input.type === "text") {
    const commitments = [...data.commitments, ...linesOf(input.text)];
    ctx.reply({
      text: ctx.t("registration:commitments_so_far", { count: commitments.length }),
      choices: [{ id: "done", label: ctx.t("registration:commitments_done") }],
    });
    ctx.flow.goto(UNIT_FLOW, "commitments", { ...data, commitments });
    return;
  }
  if (!(input.type === "choice" && input.choiceId === "done")) throw new AppError("text_expected");
  if (data.commitments.length === 0) {
    throw new AppError("registration_commitments_format", { max: 20, length: 300 });
  }
  const actor = actorOf(ctx);
  const round = await ctx.services.registrations.round(actor.blocId);
  if (!round) throw new AppError("registration_not_open");
  const titles = data.ticked.map((i) => round.titles[i] ?? "");
  ctx.reply({
    text: [
      ctx.t("registration:preview", { unit: actor.unitName ?? "" }),
      ctx.t("registration:titles_line", { titles: titles.join("; ") }),
      ...data.commitments.map((c) => `  • ${c}`),
    ].join("\n"),
    choices: [
      { id: "send", label: ctx.t("registration:send") },
      { id: "again", label: ctx.t("registration:again") },
      { id: "cancel", label: ctx.t("registration:cancel") },
    ],
  });
  ctx.flow.goto(UNIT_FLOW, "confirm", data);
}

async function readUnitConfirm(ctx: Ctx, input: StepInput, data: UnitData): Promise<void> {
  const actor = actorOf(ctx);
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "cancel") {
    ctx.flow.end();
    ctx.reply(ctx.t("registration:cancelled"));
    return;
  }
  if (choice === "again") return askTitles(ctx, { ticked: [], commitments: [] });
  if (choice !== "send") throw new AppError("pick_a_choice");
  const round = await ctx.services.registrations.round(actor.blocId);
  if (!round) throw new AppError("registration_not_open");
  const record = await ctx.services.registrations.register(
    actor.blocId,
    { memberId: actor.memberId, unitId: actor.unitId },
    { titles: data.ticked.map((i) => round.titles[i] ?? ""), commitments: data.commitments },
  );
  ctx.flow.end();
  ctx.reply(
    ctx.t(record.late ? "registration:sent_late" : "registration:sent", {
      unit: record.unitName,
      version: record.version,
    }),
  );
}

export const registrationFeature: Feature<Services> = {
  commands: [
    {
      names: ["register", "dangky"],
      audience: ["LEAD", "FOCAL"],
      helpKey: "register",
      startsForm: true,
      run: (ctx) => start(ctx),
    },
  ],
  flows: [
    {
      name: LEAD_FLOW,
      steps: {
        deadline: readDeadline,
        titles: typedStep(leadDataSchema, readTitles),
        menu: onMenu,
        decide: typedStep(leadDataSchema, onDecide),
        reason: typedStep(leadDataSchema, readReason),
      },
    },
    {
      name: UNIT_FLOW,
      steps: {
        titles: typedStep(unitDataSchema, readUnitTitles),
        commitments: typedStep(unitDataSchema, readCommitments),
        confirm: typedStep(unitDataSchema, readUnitConfirm),
      },
    },
  ],
};
