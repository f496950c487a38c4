import type { HistoryEntry } from "../../features/campaigns/campaignHistory.ts";
import { describeCriterion } from "../../features/campaigns/criteria.ts";
import type { CampaignSummary } from "../../features/campaigns/service.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import { Csrf, type PageViewer } from "../layout.tsx";

/** A scale change waiting for the lead to confirm the scores it converts. */
export interface ScaleToConfirm {
  criterionId: number;
  scores: number;
  maxScore: string;
  weight: string;
}

/** What the last edit post left to show: a refusal, or a confirmation to ask. */
export interface EditState {
  errors?: string[];
  confirm?: ScaleToConfirm;
}

const ACTIONS_SHOWN = new Set([
  "campaign.create",
  "campaign.active",
  "campaign.closed",
  "campaign.reopen",
  "campaign.rules",
  "campaign.edit.title",
  "campaign.edit.description",
  "campaign.edit.hashtag",
  "campaign.edit.deadline_add",
  "campaign.edit.deadline_move",
  "campaign.edit.deadline_remove",
  "campaign.edit.criterion_add",
  "campaign.edit.criterion_scale",
]);

/** One history line in the reader's words; dates in the bloc's zone. */
function describeEntry(t: Translate, tz: string, entry: HistoryEntry): string {
  const d = entry.details;
  const date = (value: unknown) =>
    typeof value === "string" ? formatDateTime(new Date(value), tz) : "";
  const text = (value: unknown) =>
    typeof value === "string" || typeof value === "number" ? String(value) : "—";
  if (!ACTIONS_SHOWN.has(entry.action)) return entry.action;
  const scale = (value: unknown) => {
    const s = (value ?? {}) as { maxScore?: number | null; weight?: number };
    return describeCriterion(t, {
      title: text(d.title),
      maxScore: s.maxScore ?? null,
      weight: s.weight ?? 1,
    });
  };
  return t(`web:campaign_edit.history.${entry.action.replace(/\./g, "_")}`, {
    before: entry.action.endsWith("deadline_move") ? date(d.before) : text(d.before),
    after: entry.action.endsWith("deadline_move") ? date(d.after) : text(d.after),
    date: date(d.dueAt),
    line: text(d.line),
    from: scale(d.before),
    to: scale(d.after),
    scores: Number(d.scores ?? 0),
    late: Number(d.lateCleared ?? 0),
  });
}

/**
 * The campaign's own edits: its words and hashtag, each deadline (moved, removed) and
 * criterion (rescaled), one added, and what was changed by whom. Plain forms, no script;
 * at 360 px each form is a stacked row.
 */
export function CampaignEditSection(props: {
  viewer: PageViewer;
  campaign: CampaignSummary;
  /** The deadlines with a form here: the page of them the heatmap shows. */
  shown: { id: number; dueAt: Date }[];
  /** Reports per deadline: a deadline with any cannot be removed. */
  reportsOf: Map<number, number>;
  history: HistoryEntry[];
  locked: boolean;
  state: EditState;
}) {
  const { viewer, campaign, state } = props;
  const { t } = viewer;
  const tz = viewer.actor.timezone;
  const base = `/web/campaigns/${campaign.id}/edit`;
  const closed = campaign.status === "CLOSED";
  const confirm = state.confirm;
  return (
    <section aria-labelledby="edit" class="card">
      <h2 id="edit">{t("web:campaign_edit.title")}</h2>
      {state.errors?.length ? (
        <div class="warn" role="alert">
          {state.errors.map((line) => (
            <p>{line}</p>
          ))}
        </div>
      ) : null}
      {closed ? <p class="muted">{t("web:campaign_edit.closed")}</p> : null}
      <form method="post" action={`${base}/details`}>
        <Csrf token={viewer.csrf} />
        <fieldset disabled={closed}>
          <legend>{t("web:campaign_edit.details")}</legend>
          <label for="edit-title">{t("campaigns:edit_menu.title")}</label>
          <input id="edit-title" name="title" value={campaign.title} required />
          <label for="edit-description">{t("campaigns:edit_menu.description")}</label>
          <textarea id="edit-description" name="description" rows={3}>
            {campaign.description}
          </textarea>
          <label for="edit-hashtag">{t("campaigns:edit_menu.hashtag")}</label>
          <input id="edit-hashtag" name="hashtag" value={campaign.hashtag ?? ""} />
          <button type="submit">{t("web:campaign_edit.save_details")}</button>
        </fieldset>
      </form>

      <h3>{t("web:campaign_edit.deadlines")}</h3>
      {props.locked ? <p class="muted">{t("web:campaign_edit.locked")}</p> : null}
      <ul class="plain">
        {props.shown.map((d) => {
          const reports = props.reportsOf.get(d.id) ?? 0;
          return (
            <li>
              <form method="post" action={`${base}/deadlines/${d.id}`}>
                <Csrf token={viewer.csrf} />
                <label for={`due-${d.id}`}>
                  {formatDateTime(d.dueAt, tz)} ·{" "}
                  {t("web:campaign_edit.reports", { count: reports })}
                </label>
                <input
                  id={`due-${d.id}`}
                  name="dueAt"
                  value={formatDateTime(d.dueAt, tz)}
                  disabled={props.locked || closed}
                />
                <button type="submit" disabled={props.locked || closed}>
                  {t("web:campaign_edit.move")}
                </button>
              </form>
              {reports === 0 && campaign.deadlines.length > 1 && !props.locked && !closed ? (
                <form method="post" action={`${base}/deadlines/${d.id}/remove`}>
                  <Csrf token={viewer.csrf} />
                  <button type="submit">{t("web:campaign_edit.remove")}</button>
                </form>
              ) : null}
            </li>
          );
        })}
      </ul>
      <form method="post" action={`${base}/deadlines`}>
        <Csrf token={viewer.csrf} />
        <label for="new-deadline">{t("campaigns:edit_menu.add_deadline")}</label>
        <input
          id="new-deadline"
          name="dueAt"
          placeholder="30/6/2026 17:00"
          disabled={props.locked || closed}
        />
        <button type="submit" disabled={props.locked || closed}>
          {t("web:campaign_edit.add")}
        </button>
      </form>

      <h3>{t("web:campaign_edit.criteria")}</h3>
      <ul class="plain">
        {campaign.criteriaScale.map((c) => {
          const asking = confirm?.criterionId === c.id ? confirm : undefined;
          return (
            <li>
              <form method="post" action={`${base}/criteria/${c.id}`}>
                <Csrf token={viewer.csrf} />
                <p>{describeCriterion(t, c)}</p>
                <label for={`max-${c.id}`}>{t("web:campaign_edit.max")}</label>
                <input
                  id={`max-${c.id}`}
                  name="maxScore"
                  inputmode="decimal"
                  size={5}
                  value={asking?.maxScore ?? (c.maxScore === null ? "" : String(c.maxScore))}
                  disabled={props.locked || closed}
                />
                <label for={`weight-${c.id}`}>{t("web:campaign_edit.weight")}</label>
                <input
                  id={`weight-${c.id}`}
                  name="weight"
                  inputmode="decimal"
                  size={4}
                  value={asking?.weight ?? String(c.weight)}
                  disabled={props.locked || closed}
                />
                {asking ? (
                  <label class="warn">
                    <input type="checkbox" name="confirmScores" value={String(asking.scores)} />{" "}
                    {t("web:campaign_edit.confirm_scores", { count: asking.scores })}
                  </label>
                ) : null}
                <button type="submit" disabled={props.locked || closed}>
                  {t("web:campaign_edit.save_scale")}
                </button>
              </form>
            </li>
          );
        })}
      </ul>
      <form method="post" action={`${base}/criteria`}>
        <Csrf token={viewer.csrf} />
        <label for="new-criterion">{t("campaigns:edit_menu.add_criterion")}</label>
        <input
          id="new-criterion"
          name="line"
          placeholder="Tiết kiệm điện | 10 | 2"
          disabled={closed}
        />
        <button type="submit" disabled={closed}>
          {t("web:campaign_edit.add")}
        </button>
      </form>

      <h3 id="history">{t("web:campaign_edit.history_title")}</h3>
      <ol class="plain" aria-labelledby="history">
        {props.history.map((entry) => (
          <li>
            <time datetime={entry.at.toISOString()}>{formatDateTime(entry.at, tz)}</time> ·{" "}
            {entry.actor === "operator" ? t("web:campaign_edit.operator") : entry.actor} ·{" "}
            {describeEntry(t, tz, entry)}
          </li>
        ))}
      </ol>
    </section>
  );
}
