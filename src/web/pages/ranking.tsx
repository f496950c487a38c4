import { formatScore } from "../../features/campaigns/criteria.ts";
import type { CampaignRanking } from "../../features/review/ranking.ts";
import { RankBars } from "../barChart.tsx";
import { Page, type PageViewer } from "../layout.tsx";

/** bình xét, xếp loại: the units in order, with their scores, class and lateness. */
export function RankingPage(props: { viewer: PageViewer; ranking: CampaignRanking }) {
  const { viewer, ranking } = props;
  const { t } = viewer;
  const criteria = ranking.units[0]?.criteria ?? [];
  return (
    <Page
      viewer={viewer}
      title={t("web:ranking.title", { campaign: ranking.campaign.title })}
      path={`/web/campaigns/${ranking.campaign.id}/ranking`}
    >
      <p class="muted">
        {t("web:ranking.rules", {
          classes: ranking.thresholds.map((x) => `${x.label} ≥ ${x.min} %`).join(", "),
        })}
      </p>
      <RankBars
        title={t("web:ranking.chart")}
        max={100}
        rows={ranking.units.map((u) => ({
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
                  {c.title} (/{formatScore(c.maxScore)})
                </th>
              ))}
              <th scope="col">{t("export:total")}</th>
              <th scope="col">%</th>
              <th scope="col">{t("export:class")}</th>
              <th scope="col">{t("export:late_reports")}</th>
            </tr>
          </thead>
          <tbody>
            {ranking.units.map((u) => (
              <tr data-unit={u.unitName}>
                <td>{u.rank}</td>
                <th scope="row">
                  <a href={`/web/units/${u.unitId}`}>{u.unitName}</a>
                </th>
                {u.criteria.map((c) => (
                  <td>
                    {formatScore(c.used)}
                    {c.source === "self" ? " *" : ""}
                  </td>
                ))}
                <td>
                  {formatScore(u.total)}
                  {u.deduction ? ` (−${formatScore(u.deduction)})` : ""}
                </td>
                <td>{formatScore(u.percent)}</td>
                <td>{u.classLabel ?? t("review:not_eligible")}</td>
                <td>{u.lateReports}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {ranking.units.some((u) => u.usesSelfScores) ? (
        <p class="muted">{t("review:self_marked")}</p>
      ) : null}
    </Page>
  );
}
