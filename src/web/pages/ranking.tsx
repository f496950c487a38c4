import { formatScore } from "../../features/campaigns/criteria.ts";
import type { CampaignRanking, RankedUnit } from "../../features/review/ranking.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { RankBars } from "../barChart.tsx";
import { Csrf, Page, type PageViewer } from "../layout.tsx";

/** Where a unit stands, in words: its class, out by the late rule, or its review state. */
function standing(t: PageViewer["t"], u: RankedUnit): string {
  if (u.rank !== null) return u.classLabel ?? "—";
  if (!u.eligible && (u.reviewState === "reviewed" || u.reviewState === "awaiting")) {
    return t("review:not_eligible");
  }
  return t(`review:state_words.${u.reviewState}`);
}

/**
 * bình xét, xếp loại: the ranked units in order, then those awaiting review (their
 * self-scores said in words), returned, without a report; the corrections; and for
 * the lead, publishing and whether self-scores rank.
 */
export function RankingPage(props: {
  viewer: PageViewer;
  ranking: CampaignRanking;
  notice?: string | undefined;
}) {
  const { viewer, ranking } = props;
  const { t } = viewer;
  const criteria = ranking.units[0]?.criteria ?? [];
  const weighted = criteria.some((c) => c.weight !== 1);
  const ranked = ranking.units.filter((u) => u.rank !== null);
  const awaiting = ranking.units.filter((u) => u.reviewState === "awaiting").length;
  const path = `/web/ranking/${ranking.campaign.id}`;
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  const isLead = viewer.actor.role === "LEAD";
  return (
    <Page
      viewer={viewer}
      title={t("web:ranking.title", { campaign: ranking.campaign.title })}
      path={path}
    >
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <p>
        {ranking.publishedAt
          ? t("review:published_on", { at: date(ranking.publishedAt) })
          : t("web:ranking.not_published")}
      </p>
      <p class="muted">
        {t("web:ranking.rules", {
          classes: ranking.thresholds.map((x) => `${x.label} ≥ ${x.min} %`).join(", "),
        })}{" "}
        {t(ranking.rankSelfScores ? "review:rule_self_ranked" : "review:rule_reviewed_only")}{" "}
        {weighted ? t("review:weighted_note") : ""}
      </p>
      <RankBars
        title={t("web:ranking.chart")}
        max={100}
        rows={ranked.map((u) => ({
          label: `${u.rank}. ${u.unitName}`,
          value: u.percent,
          text: `${formatScore(u.percent)} %`,
        }))}
      />
      <div class="scroll">
        <table class="ranking">
          <thead>
            <tr>
              <th scope="col">{t("export:rank")}</th>
              <th scope="col">{t("export:unit")}</th>
              {criteria.map((c) => (
                <th scope="col">
                  {c.title} (/{formatScore(c.maxScore)}
                  {c.weight === 1 ? "" : `, ${t("web:weight")} ${formatScore(c.weight)}`})
                </th>
              ))}
              <th scope="col">{t("export:total")}</th>
              <th scope="col">%</th>
              <th scope="col">{t("export:class")}</th>
              <th scope="col">{t("export:review_state")}</th>
              <th scope="col">{t("export:late_reports")}</th>
            </tr>
          </thead>
          <tbody>
            {ranking.units.map((u) => (
              <tr data-unit={u.unitName} data-state={u.reviewState}>
                <td>{u.rank ?? "—"}</td>
                <th scope="row">
                  <a href={`/web/units/${u.unitId}`}>{u.unitName}</a>
                </th>
                {u.criteria.map((c) => (
                  <td>{formatScore(c.used)}</td>
                ))}
                <td>
                  {formatScore(u.total)}/{formatScore(u.max)}
                  {u.deduction ? ` (−${formatScore(u.deduction)})` : ""}
                </td>
                <td>{formatScore(u.percent)}</td>
                <td>{standing(t, u)}</td>
                <td>
                  {t(`review:state_words.${u.reviewState}`)}
                  {u.reviewState === "awaiting" ? ` (${t("review:self_scored_words")})` : ""}
                </td>
                <td>{u.lateReports}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {ranking.corrections.length ? (
        <section aria-labelledby="corrections">
          <h2 id="corrections">{t("review:section_corrections")}</h2>
          <ul>
            {ranking.corrections.map((c) => (
              <li>
                {t("review:correction_line", {
                  unit: c.unitName,
                  reviewer: c.reviewer,
                  at: date(c.at),
                  reason: c.reason,
                })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {isLead ? (
        <section class="card" aria-labelledby="settings">
          <h2 id="settings">{t("web:ranking.settings")}</h2>
          <form method="post" action={`${path}/self-scores`}>
            <Csrf token={viewer.csrf} />
            <label>
              <input
                type="checkbox"
                name="rankSelfScores"
                value="on"
                checked={ranking.rankSelfScores}
              />{" "}
              {t("web:ranking.rank_self_scores")}
            </label>
            <p>
              <button type="submit">{t("web:save")}</button>
            </p>
          </form>
          {ranking.publishedAt ? null : awaiting ? (
            <p>{t("errors:publish_awaiting", { count: awaiting })}</p>
          ) : (
            <form method="post" action={`${path}/publish`}>
              <Csrf token={viewer.csrf} />
              <p>{t("web:ranking.publish_hint")}</p>
              <button type="submit" class="primary">
                {t("web:ranking.publish")}
              </button>
            </form>
          )}
        </section>
      ) : null}
    </Page>
  );
}
