import type { HandlerContext, StepHandler, StepInput } from "../../core/context.ts";
import { typedStep } from "../../core/flowState.ts";
import type { Services } from "../services.ts";
import { type ReportData, reportStateSchema, withPhotos } from "./reportState.ts";

type Ctx = HandlerContext<Services>;

/**
 * A photo sent before the form asks for photos is kept for the photo step, and the
 * same question is asked again (people send the picture first and talk after).
 */
export function keepingEarlyPhotos(
  step: (ctx: Ctx, input: StepInput, data: ReportData) => Promise<void>,
  askAgain?: (ctx: Ctx, data: ReportData) => void | Promise<void>,
): StepHandler<Services> {
  return typedStep(reportStateSchema, async (ctx: Ctx, input, data) => {
    if (input.type !== "media") return step(ctx, input, data);
    const { stored, refused } = await ctx.services.evidence.acceptAll(input.files);
    const photos = withPhotos(data.photos, stored);
    if (askAgain) {
      // The question asked again counts the photos ("Lưu 3 ảnh …?", the summary's
      // "Ảnh: 3"): nothing about a photo step that is not ahead.
      if (refused) ctx.reply(ctx.t(`errors:${refused.code}`, refused.params));
      return askAgain(ctx, { ...data, photos });
    }
    const lines = [];
    if (stored.length) lines.push(ctx.t("reports:photos_kept", { count: photos.length }));
    if (refused) lines.push(ctx.t(`errors:${refused.code}`, refused.params));
    const where = ctx.flow.current;
    if (where) ctx.flow.goto(where.flow, where.step, { ...data, photos });
    lines.push(ctx.t("common:form_still_open"));
    const offered = ctx.flow.offered;
    ctx.reply({ text: lines.join("\n"), ...(offered.length ? { choices: offered } : {}) });
  });
}
