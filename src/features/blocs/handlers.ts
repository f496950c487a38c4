import type { Feature } from "../../core/commands.ts";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { memberActor } from "../../services/auditLog.ts";
import type { Services } from "../services.ts";

type Ctx = HandlerContext<Services>;

/*
 * /units (/donvi): the lead adds, renames and retires the bloc's units from chat.
 * Typed at once ("/donvi them Phòng Y tế", "/donvi doiten 3 Phòng mới", "/donvi ngung 3")
 * or step by step with numbered answers, which is all a Zalo phone has.
 */

const FLOW = "units";
const ADD = ["add", "them"];
const RENAME = ["rename", "doiten"];
const RETIRE = ["retire", "ngung"];

const lead = (ctx: Ctx) => {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  return actor;
};

async function units(ctx: Ctx, args: string): Promise<void> {
  const actor = lead(ctx);
  const [verb = "", ...rest] = args.trim().split(/\s+/);
  const word = verb.toLowerCase();
  if (ADD.includes(word)) {
    if (rest.length === 0) return askName(ctx);
    return add(ctx, rest.join(" "));
  }
  if (RENAME.includes(word) || RETIRE.includes(word)) {
    const id = Number((rest[0] ?? "").replace(/^#/, ""));
    const usage = ctx.t(RENAME.includes(word) ? "units:usage_rename" : "units:usage_retire");
    if (!Number.isInteger(id) || id <= 0) throw new AppError("bad_arguments", { usage });
    const unit = await unitOf(ctx, id);
    if (RETIRE.includes(word)) return askRetire(ctx, unit);
    const name = rest.slice(1).join(" ");
    if (!name) return askNewName(ctx, unit);
    return rename(ctx, unit, name);
  }
  if (word) throw new AppError("bad_arguments", { usage: ctx.t("units:usage") });
  const [active, all] = await Promise.all([
    ctx.services.blocs.listUnits(actor.blocId),
    ctx.services.blocs.allUnits(actor.blocId),
  ]);
  const retired = all.filter((u) => u.retiredAt !== null);
  ctx.reply({
    text: [
      ctx.t("units:list_title", { bloc: actor.blocName, count: active.length }),
      ...active.map((u) => `#${u.id} ${u.name}`),
      ...(retired.length
        ? [ctx.t("units:retired_list", { units: retired.map((u) => u.name).join(", ") })]
        : []),
      ctx.t("units:what_now"),
    ].join("\n"),
    choices: [
      { id: "add", label: ctx.t("units:do_add") },
      ...(active.length
        ? [
            { id: "rename", label: ctx.t("units:do_rename") },
            { id: "retire", label: ctx.t("units:do_retire") },
          ]
        : []),
      { id: "cancel", label: ctx.t("membership:leave_as_is") },
    ],
  });
  ctx.flow.goto(FLOW, "action", {});
}

async function unitOf(ctx: Ctx, id: number) {
  const unit = (await ctx.services.blocs.listUnits(lead(ctx).blocId)).find((u) => u.id === id);
  if (!unit) throw new AppError("not_found");
  return unit;
}

function askName(ctx: Ctx): void {
  ctx.reply(ctx.t("units:ask_name"));
  ctx.flow.goto(FLOW, "name", {});
}

function askNewName(ctx: Ctx, unit: { id: number; name: string }): void {
  ctx.reply(ctx.t("units:ask_new_name", { name: unit.name }));
  ctx.flow.goto(FLOW, "newName", { unitId: unit.id });
}

function askRetire(ctx: Ctx, unit: { id: number; name: string }): void {
  ctx.reply({
    text: ctx.t("units:confirm_retire", { name: unit.name }),
    choices: [
      { id: "yes", label: ctx.t("units:retire_yes") },
      { id: "no", label: ctx.t("membership:leave_as_is") },
    ],
  });
  ctx.flow.goto(FLOW, "confirm", { unitId: unit.id });
}

async function add(ctx: Ctx, name: string): Promise<void> {
  const actor = lead(ctx);
  const unit = await ctx.services.blocs.addUnit(actor.blocId, name, memberActor(actor.memberId));
  ctx.flow.end();
  ctx.reply(ctx.t("units:added", { name: unit.name, id: unit.id }));
}

async function rename(ctx: Ctx, unit: { id: number; name: string }, name: string): Promise<void> {
  const actor = lead(ctx);
  const renamed = await ctx.services.blocs.renameUnit(
    unit.id,
    name,
    memberActor(actor.memberId),
    actor.blocId,
  );
  ctx.flow.end();
  ctx.reply(ctx.t("units:renamed", { from: unit.name, to: renamed.name }));
}

async function pickAction(ctx: Ctx, input: StepInput): Promise<void> {
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "cancel") {
    ctx.flow.end();
    ctx.reply(ctx.t("membership:left_as_is"));
    return;
  }
  if (choice === "add") return askName(ctx);
  if (choice !== "rename" && choice !== "retire") throw new AppError("pick_a_choice");
  const list = await ctx.services.blocs.listUnits(lead(ctx).blocId);
  ctx.reply({
    text: ctx.t(choice === "rename" ? "units:pick_rename" : "units:pick_retire"),
    choices: list.map((u) => ({ id: `u${u.id}`, label: u.name })),
  });
  ctx.flow.goto(FLOW, "pick", { action: choice });
}

async function pickUnit(ctx: Ctx, input: StepInput, data: unknown): Promise<void> {
  if (input.type !== "choice" || !input.choiceId.startsWith("u")) {
    throw new AppError("pick_a_choice");
  }
  const unit = await unitOf(ctx, Number(input.choiceId.slice(1)));
  if ((data as { action: string }).action === "retire") return askRetire(ctx, unit);
  askNewName(ctx, unit);
}

async function typedName(ctx: Ctx, input: StepInput): Promise<void> {
  if (input.type !== "text") throw new AppError("text_expected");
  await add(ctx, input.text);
}

async function typedNewName(ctx: Ctx, input: StepInput, data: unknown): Promise<void> {
  if (input.type !== "text") throw new AppError("text_expected");
  const unit = await unitOf(ctx, (data as { unitId: number }).unitId);
  await rename(ctx, unit, input.text);
}

async function confirmRetire(ctx: Ctx, input: StepInput, data: unknown): Promise<void> {
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice !== "yes" && choice !== "no") throw new AppError("pick_a_choice");
  ctx.flow.end();
  if (choice === "no") {
    ctx.reply(ctx.t("membership:left_as_is"));
    return;
  }
  const actor = lead(ctx);
  const retired = await ctx.services.blocs.retireUnit(
    actor.blocId,
    (data as { unitId: number }).unitId,
    memberActor(actor.memberId),
  );
  ctx.reply(ctx.t("units:retired", { name: retired.name, count: retired.revokedCodes }));
}

export const unitsFeature: Feature<Services> = {
  commands: [
    {
      names: ["units", "donvi"],
      audience: ["LEAD"],
      helpKey: "units",
      startsForm: true,
      run: units,
    },
  ],
  flows: [
    {
      name: FLOW,
      steps: {
        action: pickAction,
        pick: pickUnit,
        name: typedName,
        newName: typedNewName,
        confirm: confirmRetire,
      },
    },
  ],
};
