import type { ReportService } from "../../features/reports/service.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { Page, type PageViewer } from "../layout.tsx";

type UnitReports = Awaited<ReturnType<ReportService["unitReports"]>>;

/** A unit's reports: every version with who sent it, and the photos. */
export function UnitPage(props: {
  viewer: PageViewer;
  unit: { id: number; name: string };
  reports: UnitReports;
}) {
  const { viewer, unit } = props;
  const { t } = viewer;
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  return (
    <Page viewer={viewer} title={unit.name} path={`/web/units/${unit.id}`}>
      {props.reports.length === 0 ? <p>{t("web:unit.none")}</p> : null}
      {props.reports.map((report) => (
        <section class="card">
          <h2>
            {report.deadline.campaign.title} — {date(report.deadline.dueAt)}
          </h2>
          <p>
            <strong>{t(`reports:status.${report.status}`)}</strong>
            {report.late ? ` · ${t("web:campaign.late")}` : ""}
          </p>
          <ol>
            {report.revisions.map((r) => (
              <li>
                {date(r.at)} · {r.member.displayName} · {t(`reports:status.${r.status}`)}
                {r.note ? ` · “${r.note}”` : ""}
              </li>
            ))}
          </ol>
          {report.evidence.length > 0 ? (
            <div class="gallery">
              {report.evidence.map((e) => (
                <figure>
                  <a href={`/web/photos/${e.sha256}`}>
                    <img
                      src={`/web/photos/${e.sha256}/thumb`}
                      alt={t("web:gallery.alt", { unit: unit.name, sender: e.member.displayName })}
                      loading="lazy"
                    />
                  </a>
                  <figcaption>
                    {e.member.displayName} · {date(e.receivedAt)}
                  </figcaption>
                </figure>
              ))}
            </div>
          ) : (
            <p class="muted">{t("web:unit.no_photos")}</p>
          )}
        </section>
      ))}
    </Page>
  );
}
