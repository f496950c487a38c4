import type { FlaggedPair, FlaggedPhoto } from "../../features/evidence/recycled.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { PageViewer } from "../layout.tsx";

/*
 * Recycled photos where a reviewer judges: each flagged pair side by side, the later
 * photo and the earlier one it resembles, with their units and dates, the band and the
 * distance. Reviewers only: a unit is never shown another unit's photo or name.
 */

function Side(props: { viewer: PageViewer; photo: FlaggedPhoto; label: string }) {
  const { viewer, photo } = props;
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  return (
    <figure>
      <a href={`/web/photos/${photo.sha256}`}>
        <img src={`/web/photos/${photo.sha256}/thumb`} alt={`${props.label}: ${photo.unitName}`} />
      </a>
      <figcaption>
        {props.label} #{photo.evidenceId}
        <br />
        <strong>{photo.unitName}</strong>
        <br />
        {viewer.t("recycled:web.sent", { date: date(photo.receivedAt) })}
        <br />
        {photo.campaignTitle} · {viewer.t("recycled:web.deadline", { date: date(photo.dueAt) })}
      </figcaption>
    </figure>
  );
}

export function RecycledPairs(props: { viewer: PageViewer; pairs: FlaggedPair[] }) {
  const { viewer, pairs } = props;
  const { t } = viewer;
  if (!viewer.reviewer || pairs.length === 0) return null;
  return (
    <section class="card recycled" aria-labelledby="recycled">
      <h2 id="recycled">⚠️ {t("recycled:web.title", { count: pairs.length })}</h2>
      {pairs.map((pair) => (
        <div class="pair">
          <p>
            <strong>{t(`recycled:band.${pair.band}`)}</strong> ·{" "}
            {t("recycled:web.distance", { distance: pair.distance })}
            {pair.mirrored ? ` ${t("recycled:mirrored")}` : ""}
            {pair.sameUnit ? ` · ${t("recycled:web.same_unit")}` : ""}
          </p>
          <div class="gallery">
            <Side viewer={viewer} photo={pair.photo} label={t("recycled:web.later")} />
            <Side viewer={viewer} photo={pair.earlier} label={t("recycled:web.earlier")} />
          </div>
        </div>
      ))}
    </section>
  );
}
