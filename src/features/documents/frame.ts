import { wallClockIn } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import type { PackFacts } from "./gather.ts";
import type { DocSpec } from "./layout.ts";

/** The parts every document of a pack shares: issuer, number, place and date, recipients. */
export function frame(
  facts: PackFacts,
  t: Translate,
  code: string,
): Pick<DocSpec, "issuer" | "number" | "placeDate" | "recipients"> {
  const day = wallClockIn(facts.madeAt, facts.bloc.timezone);
  return {
    issuer: facts.bloc.name,
    number: t("documents:number", { code }),
    placeDate: t("documents:place_date", { day: day.day, month: day.month, year: day.year }),
    recipients: {
      title: t("documents:recipients"),
      lines: [t("documents:recipient_units"), t("documents:recipient_archive")],
    },
  };
}

/** "năm 2026", "6 tháng đầu năm 2026", "đợt thi đua “Công sở văn minh”". */
export function periodLabel(facts: PackFacts, t: Translate): string {
  const p = facts.period;
  if (p.kind === "year") return t("documents:period_year", { year: p.year });
  if (p.kind === "half") return t(`documents:period_half_${p.half}`, { year: p.year });
  return t("documents:period_campaign", { title: facts.campaigns[0]?.title ?? "" });
}

/** Whether the pack closes a year or half (tổng kết / sơ kết) or a campaign. */
export const reportKind = (facts: PackFacts) =>
  facts.period.kind === "year" ? "tong_ket" : "so_ket";

/** The period inside a sentence: "năm 2026", "sáu tháng đầu năm 2026". */
export const periodInline = (facts: PackFacts, t: Translate) => {
  const label = periodLabel(facts, t);
  return label.charAt(0).toLocaleLowerCase("vi") + label.slice(1);
};
