import { formatScore } from "../../features/campaigns/criteria.ts";
import type { FlaggedPair } from "../../features/evidence/recycled.ts";
import { describeTotal } from "../../features/review/score.ts";
import {
  isCorrection,
  type ReviewItem,
  totalOf,
  unscoredCriteria,
} from "../../features/review/service.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { Csrf, Page, type PageViewer } from "../layout.tsx";
import { RecycledPairs } from "./recycled.tsx";

/** The reports waiting for review, oldest first. */
export function ReviewQueuePage(props: {
  viewer: PageViewer;
  waiting: ReviewItem[];
  notice?: string | undefined;
}) {
  const { viewer } = props;
  const { t } = viewer;
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  return (
    <Page viewer={viewer} title={t("web:reviews.title")} path="/web/reviews">
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.waiting.length === 0 ? <p>{t("errors:nothing_to_review")}</p> : null}
      <ul>
        {props.waiting.map((item) => (
          <li>
            <a href={`/web/reviews/${item.reportId}`}>
              #{item.reportId} {item.unitName} — {item.campaignTitle}, {date(item.dueAt)}
            </a>
            {item.late ? ` · ${t("web:campaign.late")}` : ""}
          </li>
        ))}
      </ul>
    </Page>
  );
}

/** The reason a correction needs, asked in each form that changes a reviewed or published result. */
function CorrectionReason(props: { viewer: PageViewer; item: ReviewItem; id: string }) {
  const { t } = props.viewer;
  if (!isCorrection(props.item)) return null;
  return (
    <>
      <label for={props.id}>
        {t(props.item.published ? "review:ask_correction_published" : "review:ask_correction")}
      </label>
      <textarea id={props.id} name="reason" required maxlength={1000} />
    </>
  );
}

/** One report: what the unit sent, its photos, and the three decisions. */
export function ReviewPage(props: {
  viewer: PageViewer;
  item: ReviewItem;
  /** One page of the report's photos, how many it has, whether more follow. */
  photos: { photos: { id: number; sha256: string }[]; total: number; more: boolean };
  /** Whether this is the first page of photos. */
  first: boolean;
  recycled?: FlaggedPair[];
}) {
  const { viewer, item } = props;
  const { t } = viewer;
  const action = `/web/reviews/${item.reportId}`;
  const missing = unscoredCriteria(item);
  return (
    <Page
      viewer={viewer}
      title={t("review:card_title", { id: item.reportId, unit: item.unitName })}
      path={action}
    >
      <p>
        {t("review:card_deadline", {
          campaign: item.campaignTitle,
          deadline: formatDateTime(item.dueAt, viewer.actor.timezone),
        })}
        {item.late ? ` (${t("web:campaign.late")})` : ""}
        <br />
        {t(`reports:status.${item.status}`)} · {t(`web:review_state.${item.state}`)}
        <br />
        {t("review:card_note", { note: item.note || "—" })}
        {item.criteria.length ? (
          <>
            <br />
            {t("review:card_self_total", { total: describeTotal(t, totalOf(item)) })}
          </>
        ) : null}
        {item.published ? (
          <>
            <br />
            {t("review:card_published")}
          </>
        ) : null}
      </p>
      {props.photos.total ? (
        <section aria-labelledby="photos">
          <h2 id="photos">{t("web:reviews.photos", { count: props.photos.total })}</h2>
          <div class="gallery">
            {props.photos.photos.map(({ sha256 }) => (
              <figure>
                <a href={`/web/photos/${sha256}`}>
                  <img src={`/web/photos/${sha256}/thumb`} alt={item.unitName} loading="lazy" />
                </a>
              </figure>
            ))}
          </div>
          {!props.first || props.photos.more ? (
            <nav aria-label={t("web:reviews.photo_pages")} class="card">
              {props.first ? null : <a href={action}>« {t("web:reviews.first_photos")}</a>}{" "}
              {props.photos.more ? (
                <a href={`${action}?after=${props.photos.photos.at(-1)?.id ?? 0}`}>
                  {t("web:reviews.more_photos")} →
                </a>
              ) : null}
            </nav>
          ) : null}
        </section>
      ) : null}
      <RecycledPairs viewer={viewer} pairs={props.recycled ?? []} />
      <section class="card" aria-labelledby="approve">
        <h2 id="approve">{t("review:approve")}</h2>
        {missing.length ? (
          <p>
            {t("errors:approve_needs_scores", { criteria: missing.map((c) => c.title).join(", ") })}
          </p>
        ) : (
          <form method="post" action={`${action}/approve`}>
            <Csrf token={viewer.csrf} />
            <input type="hidden" name="version" value={String(item.version)} />
            <CorrectionReason viewer={viewer} item={item} id="approve-reason" />
            <p>
              <button type="submit" class="primary">
                {t("review:approve")}
              </button>
            </p>
          </form>
        )}
      </section>
      {item.criteria.length ? (
        <section class="card" aria-labelledby="score">
          <h2 id="score">{t("review:score")}</h2>
          <form method="post" action={`${action}/score`}>
            <Csrf token={viewer.csrf} />
            <input type="hidden" name="version" value={String(item.version)} />
            {item.criteria.map((c) => (
              <>
                <label for={`c${c.id}`}>
                  {c.title} (0–{formatScore(c.maxScore)}
                  {c.weight === 1 ? "" : `, ${t("web:weight")} ${formatScore(c.weight)}`}
                  {c.self === null ? "" : `; ${t("export:self")} ${formatScore(c.self)}`})
                </label>
                <input
                  id={`c${c.id}`}
                  name={`c${c.id}`}
                  // Text, not a number field: "7,5" is how Vietnamese write it, and a
                  // number field refuses the comma. The server reads both, in range.
                  type="text"
                  inputmode="decimal"
                  pattern="[0-9]{1,4}([.,][0-9]{1,2})?"
                  required
                  value={c.reviewed === null ? "" : String(c.reviewed)}
                />
              </>
            ))}
            <CorrectionReason viewer={viewer} item={item} id="score-reason" />
            <p>
              <button type="submit">{t("review:score")}</button>
            </p>
          </form>
        </section>
      ) : null}
      <section class="card" aria-labelledby="return">
        <h2 id="return">{t("review:return")}</h2>
        <form method="post" action={`${action}/return`}>
          <Csrf token={viewer.csrf} />
          <input type="hidden" name="version" value={String(item.version)} />
          <label for="reason">{t("review:ask_reason")}</label>
          <textarea id="reason" name="reason" required maxlength={1000} />
          <p>
            <button type="submit">{t("review:return")}</button>
          </p>
        </form>
      </section>
    </Page>
  );
}
