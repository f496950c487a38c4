import type { CampaignSummary } from "../../features/campaigns/service.ts";
import type { DeadlineProgress } from "../../features/progress/service.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { Page, type PageViewer } from "../layout.tsx";

export interface CampaignOverview {
  campaign: CampaignSummary;
  next: DeadlineProgress | null;
}

/** The lead's landing page: every active campaign, its next deadline and who is missing. */
export function OverviewPage(props: { viewer: PageViewer; campaigns: CampaignOverview[] }) {
  const { viewer } = props;
  const { t } = viewer;
  return (
    <Page viewer={viewer} title={t("web:overview.title")} path="/web">
      {props.campaigns.length === 0 ? <p>{t("web:overview.none")}</p> : null}
      {props.campaigns.map(({ campaign, next }) => (
        <section class="card">
          <h2>
            <a href={`/web/campaigns/${campaign.id}`}>{campaign.title}</a>
          </h2>
          {next ? (
            <p>
              {t("web:overview.next", {
                date: formatDateTime(next.dueAt, viewer.actor.timezone),
              })}
              <br />
              <strong>
                {t("web:overview.reported", {
                  reported: next.units - next.missing,
                  units: next.units,
                })}
              </strong>
              {" · "}
              {t("web:overview.missing", { count: next.missing })}
              {next.late ? ` · ${t("web:overview.late", { count: next.late })}` : ""}
            </p>
          ) : (
            <p class="muted">{t("web:overview.no_deadline")}</p>
          )}
        </section>
      ))}
    </Page>
  );
}
