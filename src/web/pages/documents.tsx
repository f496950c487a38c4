import type { Pack } from "../../features/documents/service.ts";
import { Csrf, Page, type PageViewer } from "../layout.tsx";

export interface PeriodRow {
  /** What the form posts back (period.ts's words). */
  args: string;
  label: string;
}

export interface MadePack {
  pack: Pack;
  links: { fileName: string; url: string }[];
  until: string;
}

/**
 * The tổng kết pack on the dashboard: each period that can be made, a button that
 * makes it, and once made, each document's DOCX and PDF as signed download links
 * (the same files and links /tongket gives in chat).
 */
export function DocumentsPage(props: {
  viewer: PageViewer;
  periods: PeriodRow[];
  made?: MadePack | undefined;
  refused?: string | undefined;
}) {
  const { viewer, periods, made } = props;
  const { t } = viewer;
  const url = (name: string) => made?.links.find((l) => l.fileName === name)?.url ?? "";
  return (
    <Page viewer={viewer} title={t("documents:web.title")} path="/web/documents">
      {props.refused ? (
        <p class="notice" role="alert">
          {props.refused}
        </p>
      ) : null}
      {made ? (
        <section aria-labelledby="made">
          <h2 id="made">{t("documents:web.made")}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("documents:web.document")}</th>
                <th scope="col">DOCX</th>
                <th scope="col">PDF</th>
              </tr>
            </thead>
            <tbody>
              {made.pack.documents.map((d) => (
                <tr>
                  <th scope="row">{t(`documents:name.${d.kind}`)}</th>
                  <td>
                    <a href={url(d.docx.fileName)} download={d.docx.fileName}>
                      {d.docx.fileName}
                    </a>
                  </td>
                  <td>
                    <a href={url(d.pdf.fileName)} download={d.pdf.fileName}>
                      {d.pdf.fileName}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {made.pack.notOffered.includes("proposal") ? (
            <p class="muted">{t("documents:no_proposal")}</p>
          ) : null}
          <p>
            <a href={url(made.pack.manifest.fileName)}>{made.pack.manifest.fileName}</a>{" "}
            <span class="muted">{t("documents:web.manifest")}</span>
          </p>
          <p class="muted">{t("documents:web.until", { until: made.until })}</p>
        </section>
      ) : null}
      <section aria-labelledby="periods">
        <h2 id="periods">{t("documents:pick_period")}</h2>
        {periods.length === 0 ? <p>{t("documents:nothing")}</p> : null}
        <ul class="plain">
          {periods.map((p) => (
            <li>
              <form method="post" action="/web/documents" class="inline">
                <Csrf token={viewer.csrf} />
                <input type="hidden" name="period" value={p.args} />
                <button type="submit">{p.label}</button>
              </form>
            </li>
          ))}
        </ul>
      </section>
    </Page>
  );
}
