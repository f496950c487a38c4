import type { GalleryFilter, GalleryPhoto } from "../../features/evidence/gallery.ts";
import { proofCardLines } from "../../features/evidence/proof.ts";
import { type FlaggedPair, nearDuplicatesIn } from "../../features/evidence/recycled.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { Page, type PageViewer } from "../layout.tsx";
import { RecycledPairs } from "./recycled.tsx";

interface Option {
  id: number;
  label: string;
}

/** The bloc's photos, newest first, a page at a time, filtered by campaign, deadline and unit. */
export function GalleryPage(props: {
  viewer: PageViewer;
  photos: GalleryPhoto[];
  total: number;
  /** Whether newer or older photos than these exist (the links to them). */
  newer: boolean;
  older: boolean;
  query: URLSearchParams;
  filter: GalleryFilter;
  campaigns: Option[];
  deadlines: Option[];
  units: Option[];
}) {
  const { viewer, filter } = props;
  const { t } = viewer;
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  const select = (name: string, label: string, options: Option[], value?: number) => (
    <>
      <label for={name}>{label}</label>
      <select id={name} name={name}>
        <option value="">{t("web:gallery.all")}</option>
        {options.map((o) => (
          <option value={String(o.id)} selected={o.id === value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );
  return (
    <Page viewer={viewer} title={t("web:gallery.title")} path="/web/gallery">
      <form method="get" action="/web/gallery" class="card">
        {select("campaign", t("web:gallery.campaign"), props.campaigns, filter.campaignId)}
        {props.deadlines.length
          ? select("deadline", t("web:gallery.deadline"), props.deadlines, filter.deadlineId)
          : null}
        {select("unit", t("web:gallery.unit"), props.units, filter.unitId)}
        <p>
          <button type="submit">{t("web:gallery.filter")}</button>
        </p>
      </form>
      <p class="muted">{t("web:gallery.count", { count: props.total })}</p>
      <div class="gallery">
        {props.photos.map((p) => (
          <figure>
            <a href={`/web/photos/${p.sha256}`}>
              <img
                src={`/web/photos/${p.sha256}/thumb`}
                alt={t("web:gallery.alt", { unit: p.unitName, sender: p.sender })}
                loading="lazy"
              />
            </a>
            <figcaption>
              <strong>{p.unitName}</strong>
              <br />
              {p.sender} · {date(p.receivedAt)}
            </figcaption>
          </figure>
        ))}
      </div>
      {props.newer || props.older ? (
        <nav aria-label={t("web:gallery.pages")} class="card">
          {props.newer ? (
            <>
              <a href={pageHref(props.query, {})}>« {t("web:gallery.newest")}</a>{" "}
              <a href={pageHref(props.query, { after: props.photos[0]?.id })}>
                ← {t("web:gallery.newer")}
              </a>{" "}
            </>
          ) : null}
          {props.older ? (
            <a href={pageHref(props.query, { before: props.photos.at(-1)?.id })}>
              {t("web:gallery.older")} →
            </a>
          ) : null}
        </nav>
      ) : null}
    </Page>
  );
}

/** The same filter, starting before or after a photo (neither: the newest page). */
function pageHref(query: URLSearchParams, cursor: { before?: number; after?: number }): string {
  const next = new URLSearchParams(query);
  for (const name of ["page", "before", "after"]) next.delete(name);
  if (cursor.before) next.set("before", String(cursor.before));
  if (cursor.after) next.set("after", String(cursor.after));
  const text = next.toString();
  return text ? `/web/gallery?${text}` : "/web/gallery";
}

/** One photo at full size, with where it belongs and who sent it. */
export function PhotoPage(props: {
  viewer: PageViewer;
  photo: GalleryPhoto;
  recycled?: FlaggedPair[];
}) {
  const { viewer, photo } = props;
  const { t } = viewer;
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  // Reviewers (who are given the pairs) see the near-duplicates on the card too.
  const proof =
    viewer.reviewer && props.recycled
      ? { ...photo.proof, nearDuplicates: nearDuplicatesIn(photo.sha256, props.recycled) }
      : photo.proof;
  return (
    <Page viewer={viewer} title={photo.unitName} path={`/web/photos/${photo.sha256}`}>
      <div class="viewer">
        <img
          src={`/web/photos/${photo.sha256}/full`}
          alt={t("web:gallery.alt", { unit: photo.unitName, sender: photo.sender })}
        />
      </div>
      <p>
        {photo.campaignTitle} — {t("web:gallery.deadline")} {date(photo.dueAt)}
        <br />
        {t("web:gallery.sent_by", { sender: photo.sender, date: date(photo.receivedAt) })}
        {photo.caption ? (
          <>
            <br />“{photo.caption}”
          </>
        ) : null}
      </p>
      <section class="card" aria-labelledby="proof-title">
        <h2 id="proof-title">{t("proof:title")}</h2>
        <ul class="proof">
          {proofCardLines(t, proof, viewer.actor.timezone).map((line) => (
            <li>{line}</li>
          ))}
        </ul>
      </section>
      <RecycledPairs viewer={viewer} pairs={props.recycled ?? []} />
    </Page>
  );
}
