import type { Child } from "hono/jsx";
import type { CampaignSummary } from "../../features/campaigns/service.ts";
import type { CampaignGrid, GridCell } from "../../features/progress/grid.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { BarChart } from "../barChart.tsx";
import { Csrf, Page, type PageViewer } from "../layout.tsx";

const STATES: GridCell["state"][] = [
  "DONE",
  "IN_PROGRESS",
  "NOT_STARTED",
  "MISSING",
  "MISSING_OVERDUE",
];

/** Which deadlines the heatmap shows: one page of them, 1-based positions. */
export interface DeadlinePages {
  page: number;
  pages: number;
  /** The page holding the current deadline, where the page opens. */
  currentPage: number;
  first: number;
  last: number;
  count: number;
}

/** Links to the other pages of deadlines: the oldest, older, the current, later. */
function DeadlineNav(props: { viewer: PageViewer; campaignId: number; pages: DeadlinePages }) {
  const { t } = props.viewer;
  const { page, pages, currentPage, first, last, count } = props.pages;
  if (pages <= 1) return null;
  const href = (n: number) => `/web/campaigns/${props.campaignId}?page=${n}`;
  const links: [number, string][] = [];
  if (page > 2) links.push([1, `« ${t("web:campaign.first_deadlines")}`]);
  if (page > 1) links.push([page - 1, `← ${t("web:campaign.older_deadlines")}`]);
  if (page !== currentPage) links.push([currentPage, t("web:campaign.current_deadlines")]);
  if (page < pages) links.push([page + 1, `${t("web:campaign.later_deadlines")} →`]);
  return (
    <nav aria-label={t("web:campaign.deadline_pages_label")} class="card">
      <p class="muted">{t("web:campaign.deadline_pages", { first, last, count, page, pages })}</p>
      {links.map(([n, label]) => (
        <>
          <a href={href(n)}>{label}</a>{" "}
        </>
      ))}
    </nav>
  );
}

/**
 * One campaign at a glance: a heatmap of units × deadlines (each cell says its state
 * in words, so colour is never the only sign), the reports arriving before the
 * current deadline, the units still missing with "remind now", and the files.
 */
export function CampaignPage(props: {
  viewer: PageViewer;
  campaign: CampaignSummary;
  /** The heatmap's page of deadlines. */
  grid: CampaignGrid;
  /** The current deadline's cells and arrivals (the same grid when it is on this page). */
  currentGrid: CampaignGrid;
  pages: DeadlinePages;
  current: { id: number; dueAt: Date } | null;
  notice?: string | undefined;
  downloads?: { name: string; url: string; size: string }[] | undefined;
  /** The scoring rules' form, for a scored campaign. */
  rules?: Child;
  /** The campaign's edit forms and history. */
  edit?: Child;
}) {
  const { viewer, campaign, grid, currentGrid, current } = props;
  const { t } = viewer;
  const tz = viewer.actor.timezone;
  const date = (d: Date) => formatDateTime(d, tz);
  const missingNow = current
    ? currentGrid.units.filter((u) =>
        currentGrid.cells.get(`${u.id}:${current.id}`)?.state.startsWith("MISSING"),
      )
    : [];
  // Thousands of cells: each label is translated once, not once per cell.
  const stateLabel = new Map(STATES.map((state) => [state, t(`web:state.${state}`)]));
  const lateLabel = ` · ${t("web:campaign.late")}`;
  const reviewLabel = new Map(
    ["AWAITING", "APPROVED", "RETURNED", "SCORED"].map((r) => [
      r,
      ` · ${t(`web:review_state.${r}`)}`,
    ]),
  );
  const photoLabels = new Map<number, string>();
  const photosLabel = (count: number) => {
    let label = photoLabels.get(count);
    if (label === undefined) {
      label = ` · ${t("web:campaign.photos", { count })}`;
      photoLabels.set(count, label);
    }
    return label;
  };
  const totals = (deadlineId: number) => {
    const cells = grid.units.map((u) => grid.cells.get(`${u.id}:${deadlineId}`));
    return {
      reported: cells.filter((c) => c && !c.state.startsWith("MISSING")).length,
      late: cells.filter((c) => c?.late).length,
      photos: cells.reduce((n, c) => n + (c?.photos ?? 0), 0),
    };
  };
  return (
    <Page viewer={viewer} title={campaign.title} path={`/web/campaigns/${campaign.id}`}>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.downloads ? (
        <section class="card" aria-labelledby="files">
          <h2 id="files">{t("web:campaign.files")}</h2>
          <ul>
            {props.downloads.map((d) => (
              <li>
                <a href={d.url} download={d.name}>
                  {d.name}
                </a>{" "}
                ({d.size})
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p class="legend" aria-hidden="true">
        {STATES.map((s) => (
          <span class={`s-${s}`}>{t(`web:state.${s}`)}</span>
        ))}
      </p>
      <DeadlineNav viewer={viewer} campaignId={campaign.id} pages={props.pages} />
      <div class="scroll">
        <table class="heatmap">
          <caption class="muted">{t("web:campaign.heatmap_caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("web:campaign.unit")}</th>
              {grid.deadlines.map((d) => (
                <th scope="col">{date(d.dueAt)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.units.map((u) => (
              <tr>
                <th scope="row">
                  <a href={`/web/units/${u.id}`}>{u.name}</a>
                </th>
                {grid.deadlines.map((d) => {
                  const cell = grid.cells.get(`${u.id}:${d.id}`);
                  const state = cell?.state ?? "MISSING";
                  return (
                    <td class={`s-${state}`} data-state={state} data-review={cell?.review ?? ""}>
                      {stateLabel.get(state)}
                      {cell?.late ? lateLabel : ""}
                      {cell?.photos ? photosLabel(cell.photos) : ""}
                      {cell?.review ? reviewLabel.get(cell.review) : ""}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t("web:campaign.totals")}</th>
              {grid.deadlines.map((d) => {
                const total = totals(d.id);
                return (
                  <td>
                    {t("web:campaign.total_cell", {
                      reported: total.reported,
                      units: grid.units.length,
                      late: total.late,
                      photos: total.photos,
                    })}
                  </td>
                );
              })}
            </tr>
          </tfoot>
        </table>
      </div>

      {current ? (
        <section aria-labelledby="arrivals">
          <h2 id="arrivals">{t("web:campaign.arrivals", { date: date(current.dueAt) })}</h2>
          {(currentGrid.arrivals.get(current.id) ?? []).length === 0 ? (
            <p class="muted">{t("web:campaign.no_arrivals")}</p>
          ) : (
            <BarChart
              title={t("web:campaign.arrivals", { date: date(current.dueAt) })}
              bars={currentGrid.arrivals.get(current.id) ?? []}
              unit={t("web:campaign.reports_unit")}
              short={(day) => `${day.slice(8, 10)}/${day.slice(5, 7)}`}
            />
          )}
        </section>
      ) : null}

      {current ? (
        <section aria-labelledby="missing">
          <h2 id="missing">
            {t("web:campaign.missing_title", {
              count: missingNow.length,
              date: date(current.dueAt),
            })}
          </h2>
          {missingNow.length > 0 ? (
            <>
              <ul>
                {missingNow.map((u) => (
                  <li>
                    <a href={`/web/units/${u.id}`}>{u.name}</a>
                  </li>
                ))}
              </ul>
              <form method="post" action={`/web/campaigns/${campaign.id}/remind`}>
                <Csrf token={viewer.csrf} />
                <button type="submit" class="primary">
                  {t("web:campaign.remind_now")}
                </button>
              </form>
            </>
          ) : (
            <p>{t("web:campaign.nobody_missing")}</p>
          )}
        </section>
      ) : null}

      <section aria-labelledby="export">
        <h2 id="export">{t("web:campaign.export_title")}</h2>
        <form method="post" action={`/web/campaigns/${campaign.id}/export`}>
          <Csrf token={viewer.csrf} />
          <button type="submit">{t("web:campaign.export")}</button>
        </form>
        <p>
          <a href={`/web/gallery?campaign=${campaign.id}`}>{t("web:campaign.gallery")}</a>
        </p>
        {campaign.criteriaScale.some((c) => c.maxScore !== null) ? (
          <p>
            <a href={`/web/ranking/${campaign.id}`}>{t("web:ranking.link")}</a>
          </p>
        ) : null}
      </section>
      {props.rules ?? null}
      {props.edit ?? null}
    </Page>
  );
}
