import type { Translate } from "../../i18n/translator.ts";
import type { PeriodOption } from "./service.ts";

/** A period as a person reads it in the list. */
export function optionLabel(ctx: { t: Translate }, option: PeriodOption): string {
  if (option.kind === "year") return ctx.t("documents:choice_year", { year: option.year });
  if (option.kind === "half") return ctx.t("documents:choice_half", { year: option.year });
  return ctx.t("documents:choice_campaign", {
    id: option.campaign?.id,
    title: option.campaign?.title,
  });
}
