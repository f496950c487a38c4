import type { z } from "zod";
import type { HandlerContext, StepHandler, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { typedStep } from "../../core/flowState.ts";
import type { Services } from "../services.ts";
import { type LateRule, lateRuleSchema, type Thresholds, thresholdsSchema } from "./criteria.ts";
import {
  describeLateRule,
  formatRuleNumber,
  formatThresholds,
  latePointsOf,
  parseLatePoints,
  parseThresholdsText,
  thresholdsText,
} from "./rules.ts";

type Ctx = HandlerContext<Services>;

/*
 * The two questions of a scored campaign's rules, asked by the new-campaign form and by
 * "/campaign rules 3": how a late report counts, then the classes. Numbered answers on
 * Zalo and the console, buttons on Telegram (the router decides from the capabilities).
 */

/** What the questions fill in; thresholds null: the bloc's. */
export interface RulesData {
  lateRule?: LateRule;
  thresholds?: Thresholds | null;
}

/** The fields of `RulesData`, for the schemas of the forms that ask these questions. */
export const rulesDataShape = {
  lateRule: lateRuleSchema.optional(),
  thresholds: thresholdsSchema.nullable().optional(),
};

/** Which question was just settled, so that the flow asking them decides what follows. */
export type Settled<D> = (ctx: Ctx, question: "late" | "thresholds", data: D) => Promise<void>;

export function askLateRule(ctx: Ctx, flow: string, data: RulesData): void {
  const current = data.lateRule
    ? `\n${ctx.t("campaigns:rules_current", { rule: describeLateRule(ctx.t, data.lateRule) })}`
    : "";
  ctx.reply({
    text: `${ctx.t("campaigns:ask_late")}${current}`,
    choices: (["none", "deduct", "ineligible"] as const).map((id) => ({
      id,
      label: ctx.t(`campaigns:late_choice.${id}`),
    })),
  });
  ctx.flow.goto(flow, "late", data);
}

export async function askThresholds(ctx: Ctx, flow: string, data: RulesData): Promise<void> {
  const bloc = await ctx.services.campaigns.blocThresholds(blocOf(ctx));
  const own = data.thresholds
    ? `\n${ctx.t("campaigns:rules_current", { rule: formatThresholds(data.thresholds) })}`
    : "";
  ctx.reply({
    text: `${ctx.t("campaigns:ask_thresholds", { bloc: formatThresholds(bloc) })}${own}`,
    choices: [
      { id: "keep", label: ctx.t("campaigns:thresholds_keep") },
      { id: "custom", label: ctx.t("campaigns:thresholds_custom") },
    ],
  });
  ctx.flow.goto(flow, "thresholds", data);
}

function blocOf(ctx: Ctx): number {
  if (!ctx.actor) throw new AppError("not_linked");
  return ctx.actor.blocId;
}

const choiceOf = (input: StepInput) => (input.type === "choice" ? input.choiceId : null);

function textOf(input: StepInput): string {
  if (input.type !== "text") throw new AppError("text_expected");
  return input.text;
}

/** The steps of both questions, for a flow named `flow`; `settled` says what comes next. */
export function rulesSteps<D extends RulesData>(
  flow: string,
  schema: z.ZodType<D>,
  settled: Settled<D>,
): Record<"late" | "late_points" | "thresholds" | "thresholds_custom", StepHandler<Services>> {
  const step = (handler: (ctx: Ctx, input: StepInput, data: D) => Promise<void>) =>
    typedStep(schema, handler);
  return {
    late: step(async (ctx, input, data) => {
      const choice = choiceOf(input);
      if (choice === "none" || choice === "ineligible") {
        return settled(ctx, "late", { ...data, lateRule: choice });
      }
      if (choice !== "deduct") throw new AppError("pick_a_choice");
      const current = data.lateRule ? latePointsOf(data.lateRule) : null;
      ctx.reply(
        ctx.t("campaigns:ask_late_points", {
          current:
            current === null
              ? ""
              : ctx.t("campaigns:late_points_current", { points: formatRuleNumber(current) }),
        }),
      );
      ctx.flow.goto(flow, "late_points", data);
    }),
    late_points: step(async (ctx, input, data) => {
      const points = parseLatePoints(textOf(input));
      await settled(ctx, "late", { ...data, lateRule: `deduct:${points}` });
    }),
    thresholds: step(async (ctx, input, data) => {
      const choice = choiceOf(input);
      if (choice === "keep") return settled(ctx, "thresholds", { ...data, thresholds: null });
      // Classes typed straight away ("Xuất sắc:90, …") need no detour through "2".
      if (input.type === "text" && /[:≥]/.test(input.text)) {
        return settled(ctx, "thresholds", { ...data, thresholds: parseThresholdsText(input.text) });
      }
      if (choice !== "custom") throw new AppError("pick_a_choice");
      const start = data.thresholds ?? (await ctx.services.campaigns.blocThresholds(blocOf(ctx)));
      ctx.reply(ctx.t("campaigns:ask_thresholds_custom", { example: thresholdsText(start) }));
      ctx.flow.goto(flow, "thresholds_custom", data);
    }),
    thresholds_custom: step(async (ctx, input, data) => {
      const thresholds = parseThresholdsText(textOf(input));
      await settled(ctx, "thresholds", { ...data, thresholds });
    }),
  };
}
