import type { z } from "zod";
import type { HandlerContext, StepHandler, StepInput } from "./context.ts";
import { AppError } from "./errors.ts";

/**
 * A step that reads its flow's state through the flow's schema, so the step is typed
 * and the state is checked where it enters (it was stored as JSON, perhaps by an
 * older version of the bot). A state the schema refuses ends the form with a clear
 * message; nothing is saved from it.
 */
export function typedStep<S, T>(
  schema: z.ZodType<T>,
  step: (ctx: HandlerContext<S>, input: StepInput, data: T) => Promise<void>,
): StepHandler<S> {
  return async (ctx, input, raw) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      ctx.flow.end();
      throw new AppError("form_outdated");
    }
    return step(ctx, input, parsed.data);
  };
}

/** Every step of a flow through the same schema (a flow whose steps share one state). */
export function typedSteps<S, T>(
  schema: z.ZodType<T>,
  steps: Record<string, (ctx: HandlerContext<S>, input: StepInput, data: T) => Promise<void>>,
): Record<string, StepHandler<S>> {
  return Object.fromEntries(
    Object.entries(steps).map(([name, step]) => [name, typedStep(schema, step)]),
  );
}
