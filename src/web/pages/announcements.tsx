import type { AnnouncementService } from "../../features/announcements/service.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { Csrf, Page, type PageViewer } from "../layout.tsx";

type Recent = Awaited<ReturnType<AnnouncementService["recent"]>>;
type Deliveries = Awaited<ReturnType<AnnouncementService["deliveries"]>>;

/** The lead's announcements with their counts; one opened shows every chat's state. */
export function AnnouncementsPage(props: {
  viewer: PageViewer;
  recent: Recent;
  opened?: { id: number; text: string; deliveries: Deliveries } | undefined;
  notice?: string | undefined;
}) {
  const { viewer, opened } = props;
  const { t } = viewer;
  return (
    <Page viewer={viewer} title={t("web:announcements.title")} path="/web/announcements">
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {opened ? (
        <section class="card" aria-labelledby="opened">
          <h2 id="opened">#{opened.id}</h2>
          <p>{opened.text}</p>
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("web:announcements.chat")}</th>
                  <th scope="col">{t("web:announcements.state")}</th>
                </tr>
              </thead>
              <tbody>
                {opened.deliveries.map((d) => (
                  <tr>
                    <td>
                      {d.person ?? d.unitName ?? d.platformChatId}
                      {d.chatKind === "GROUP" ? ` (${t("web:announcements.group")})` : ""} ·{" "}
                      {d.platform}
                    </td>
                    <td data-state={d.status}>
                      {t(`web:delivery.${d.status}`)}
                      {d.status === "FAILED" && d.lastError ? ` — ${d.lastError}` : ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {opened.deliveries.some((d) => d.status === "FAILED") ? (
            <form method="post" action={`/web/announcements/${opened.id}/retry`}>
              <Csrf token={viewer.csrf} />
              <button type="submit" class="primary">
                {t("web:announcements.retry")}
              </button>
            </form>
          ) : null}
        </section>
      ) : null}
      {props.recent.length === 0 ? <p>{t("announcements:none")}</p> : null}
      <ul>
        {props.recent.map((r) => (
          <li>
            <a href={`/web/announcements/${r.id}`}>
              #{r.id} {formatDateTime(r.createdAt, viewer.actor.timezone)} —{" "}
              {r.text.split("\n")[0]?.slice(0, 80)}
            </a>
            <br />
            <span class="muted">{t("announcements:counts", { ...r.counts })}</span>
          </li>
        ))}
      </ul>
    </Page>
  );
}
