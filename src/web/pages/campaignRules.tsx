import type { Thresholds } from "../../features/campaigns/criteria.ts";
import {
  formatRuleNumber,
  formatThresholds,
  latePointsOf,
  lateRuleKind,
  thresholdsText,
} from "../../features/campaigns/rules.ts";
import type { CampaignSummary } from "../../features/campaigns/service.ts";
import { Csrf, type PageViewer } from "../layout.tsx";

/** The form's fields as sent, to show again beside a refusal. */
export interface RulesFormValues {
  late: string;
  points: string;
  classes: "bloc" | "own";
  thresholds: string;
}

export function rulesFormValues(campaign: CampaignSummary, bloc: Thresholds): RulesFormValues {
  const points = latePointsOf(campaign.lateRule);
  return {
    late: lateRuleKind(campaign.lateRule),
    points: points === null ? "" : formatRuleNumber(points),
    classes: campaign.thresholds ? "own" : "bloc",
    thresholds: thresholdsText(campaign.thresholds ?? bloc),
  };
}

/**
 * A scored campaign's late rule and classes, with the bloc's classes shown. Plain radio
 * buttons and text fields: no script, and a phone at 360 px stacks them.
 */
export function CampaignRulesForm(props: {
  viewer: PageViewer;
  campaignId: number;
  blocThresholds: Thresholds;
  values: RulesFormValues;
  /** Published results: the rules are shown, not offered for change. */
  locked: boolean;
  /** Why the last post was refused, one line per wrong value. */
  errors: string[];
}) {
  const { viewer, values } = props;
  const { t } = viewer;
  const late = (["none", "deduct", "ineligible"] as const).map((kind) => (
    <label>
      <input type="radio" name="late" value={kind} checked={values.late === kind} />{" "}
      {t(`campaigns:late_choice.${kind}`)}
    </label>
  ));
  return (
    <section aria-labelledby="rules" class="card">
      <h2 id="rules">{t("web:campaign.rules_title")}</h2>
      {props.errors.length > 0 ? (
        <div class="warn" role="alert">
          {props.errors.map((line) => (
            <p>{line}</p>
          ))}
        </div>
      ) : null}
      <form method="post" action={`/web/campaigns/${props.campaignId}/rules`}>
        <Csrf token={viewer.csrf} />
        <fieldset disabled={props.locked}>
          <legend>{t("web:campaign.late_legend")}</legend>
          {late[0]}
          {late[1]}
          <label for="late-points" class="sub">
            {t("web:campaign.late_points")}
          </label>
          <input
            id="late-points"
            name="points"
            class="sub"
            inputmode="decimal"
            size={6}
            value={values.points}
          />
          {late[2]}
        </fieldset>
        <fieldset disabled={props.locked}>
          <legend>{t("web:campaign.thresholds_legend")}</legend>
          <label>
            <input type="radio" name="classes" value="bloc" checked={values.classes === "bloc"} />{" "}
            {t("web:campaign.thresholds_bloc", {
              classes: formatThresholds(props.blocThresholds),
            })}
          </label>
          <label>
            <input type="radio" name="classes" value="own" checked={values.classes === "own"} />{" "}
            {t("web:campaign.thresholds_own")}
          </label>
          <textarea
            name="thresholds"
            rows={2}
            aria-label={t("web:campaign.thresholds_own")}
            aria-describedby="thresholds-hint"
          >
            {values.thresholds}
          </textarea>
          <p id="thresholds-hint" class="muted">
            {t("web:campaign.thresholds_own_hint")}
          </p>
        </fieldset>
        {props.locked ? null : (
          <button type="submit" class="primary">
            {t("web:campaign.save_rules")}
          </button>
        )}
      </form>
      <p class="muted">
        {t(props.locked ? "web:campaign.rules_locked" : "web:campaign.rules_hint")}
      </p>
    </section>
  );
}
