import type { ReportService } from "../../features/reports/service.ts";
import { describeCriteria, describeTotal, weightedTotal } from "../../features/review/score.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { formatDuration } from "../../i18n/duration.ts";
import { Page, type PageViewer } from "../layout.tsx";

type UnitReports = Awaited<ReturnType<ReportService["unitReports"]>>;
type UnitReport = UnitReports[number];

/** The scale of the report's campaign, as the scoring rule reads it. */
const scaleOf = (report: UnitReport) =>
  report.deadline.campaign.criteria.map((c) => ({
    id: c.id,
    title: c.text,
    maxScore: c.maxScore ?? 0,
    weight: c.weight,
  }));

/** The review: its state in words, and every decision with who made it, when, the points and the reason. */
function ReviewHistory(props: { viewer: PageViewer; report: UnitReport }) {
  const { viewer, report } = props;
  const { t } = viewer;
  const scale = scaleOf(report);
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  const pointsOf = (json: string): Record<string, number> => {
    try {
      const parsed: unknown = JSON.parse(json);
      return typeof parsed === "object" && parsed !== null
        ? (parsed as Record<string, number>)
        : {};
    } catch {
      return {};
    }
  };
  const self = Object.fromEntries(
    report.scores.flatMap((s) => (s.self === null ? [] : [[String(s.criterionId), s.self]])),
  );
  return (
    <div class="review">
      <p>
        {t("web:unit.review_state")}: <strong>{t(`web:review_state.${report.reviewState}`)}</strong>
        {scale.length && Object.keys(self).length
          ? ` · ${t("review:card_self_total", { total: describeTotal(t, weightedTotal(scale, self)) })}`
          : ""}
      </p>
      {report.decisions.length ? (
        <ul>
          {report.decisions.map((d) => {
            const points = pointsOf(d.scores);
            const scored = scale.length > 0 && Object.keys(points).length > 0;
            return (
              <li>
                {date(d.at)} · {d.member.displayName} · {t(`web:unit.decision.${d.action}`)}
                {d.correction ? ` · ${t("web:unit.correction")}` : ""}
                {scored ? ` · ${describeTotal(t, weightedTotal(scale, points))}` : ""}
                {d.reason ? ` · ${t("web:unit.reason", { reason: d.reason })}` : ""}
                {scored ? (
                  <ul>
                    {describeCriteria(
                      t,
                      scale.map((c) => ({ ...c, points: points[String(c.id)] ?? null })),
                    ).map((line) => (
                      <li>{line}</li>
                    ))}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

/** An active campaign as the unit's page lists it: its deadlines, soonest first. */
export interface ActiveCampaign {
  id: number;
  title: string;
  deadlines: { id: number; dueAt: Date }[];
}

/**
 * Every deadline of every active campaign, reported or not, with its state and the
 * time left: what the focal point must still do, not only what is done.
 */
function Deadlines(props: {
  viewer: PageViewer;
  campaigns: ActiveCampaign[];
  reports: UnitReports;
  now: Date;
}) {
  const { viewer, now } = props;
  const { t } = viewer;
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  const byDeadline = new Map(props.reports.map((r) => [r.deadlineId, r]));
  return (
    <section class="card" aria-labelledby="deadlines">
      <h2 id="deadlines">{t("web:unit.deadlines")}</h2>
      {props.campaigns.length === 0 ? <p>{t("web:unit.no_active")}</p> : null}
      {props.campaigns.map((campaign) => (
        <div>
          <h3>{campaign.title}</h3>
          <ul class="deadlines">
            {campaign.deadlines.map((d) => {
              const report = byDeadline.get(d.id);
              const state = report
                ? `${t(`reports:status.${report.status}`)}${report.late ? ` · ${t("web:campaign.late")}` : ""}`
                : t(d.dueAt > now ? "web:unit.not_reported" : "web:unit.overdue");
              const when =
                d.dueAt > now
                  ? t("web:unit.time_left", {
                      left: formatDuration(d.dueAt.getTime() - now.getTime(), t),
                    })
                  : t("web:unit.passed");
              return (
                <li data-deadline={String(d.id)}>
                  {date(d.dueAt)} · <strong>{state}</strong> · {when}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
}

/** A unit's deadlines, then its reports: every version with who sent it, and the photos. */
export function UnitPage(props: {
  viewer: PageViewer;
  unit: { id: number; name: string; retiredAt?: Date | null };
  reports: UnitReports;
  campaigns: ActiveCampaign[];
  now: Date;
}) {
  const { viewer, unit } = props;
  const { t } = viewer;
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  return (
    <Page viewer={viewer} title={unit.name} path={`/web/units/${unit.id}`}>
      {unit.retiredAt ? (
        <p class="notice">{t("web:unit.retired", { date: date(unit.retiredAt) })}</p>
      ) : (
        <Deadlines
          viewer={viewer}
          campaigns={props.campaigns}
          reports={props.reports}
          now={props.now}
        />
      )}
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
          <ReviewHistory viewer={viewer} report={report} />
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
