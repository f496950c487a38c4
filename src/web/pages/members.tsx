import type { Role } from "../../core/roles.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { Csrf, Page, type PageViewer } from "../layout.tsx";

interface MemberRow {
  id: number;
  displayName: string;
  role: string;
  unit: { name: string } | null;
  accounts: { platform: string }[];
}

interface InviteRow {
  id: number;
  role: string;
  unit: { name: string } | null;
  expiresAt: Date;
  maxUses: number;
  uses: number;
  revokedAt: Date | null;
}

export interface IssuedCode {
  code: string;
  role: Role;
  unitName: string | null;
  deepLink: string | null;
  qrSvg: string;
}

/** Members of the bloc, and invite codes: issue one (with its QR code), revoke one. */
export function MembersPage(props: {
  viewer: PageViewer;
  members: MemberRow[];
  invites: InviteRow[];
  units: { id: number; name: string }[];
  issued?: IssuedCode | undefined;
  now: Date;
}) {
  const { viewer, issued } = props;
  const { t } = viewer;
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  const live = props.invites.filter(
    (i) => !i.revokedAt && i.expiresAt > props.now && i.uses < i.maxUses,
  );
  return (
    <Page viewer={viewer} title={t("web:members.title")} path="/web/members">
      {issued ? (
        <section class="card notice" aria-labelledby="issued">
          <h2 id="issued">{t("web:members.issued")}</h2>
          <p>
            <strong data-code={issued.code}>{issued.code}</strong> —{" "}
            {t(`common:role.${issued.role}`)}
            {issued.unitName ? `, ${issued.unitName}` : ""}
          </p>
          <p>{t("web:members.how_to_join", { code: issued.code })}</p>
          {issued.deepLink ? (
            <p>
              <a href={issued.deepLink}>{issued.deepLink}</a>
            </p>
          ) : null}
          {/* The QR code is SVG made on the server from the join text: no script, no request. */}
          <div
            role="img"
            aria-label={t("web:members.qr", { code: issued.code })}
            dangerouslySetInnerHTML={{ __html: issued.qrSvg }}
          />
        </section>
      ) : null}
      <section class="card" aria-labelledby="new-invite">
        <h2 id="new-invite">{t("web:members.new_invite")}</h2>
        <form method="post" action="/web/invites">
          <Csrf token={viewer.csrf} />
          <label for="unit">{t("web:gallery.unit")}</label>
          <select id="unit" name="unit">
            <option value="">{t("web:members.no_unit")}</option>
            {props.units.map((u) => (
              <option value={String(u.id)}>{u.name}</option>
            ))}
          </select>
          <label for="role">{t("web:members.role")}</label>
          <select id="role" name="role">
            {(["FOCAL", "OFFICER", "LEAD", "REVIEWER"] as const).map((r) => (
              <option value={r}>{t(`common:role.${r}`)}</option>
            ))}
          </select>
          <p>
            <button type="submit" class="primary">
              {t("web:members.issue")}
            </button>
          </p>
        </form>
      </section>
      <h2>{t("web:members.codes", { count: live.length })}</h2>
      <ul>
        {live.map((i) => (
          <li>
            #{i.id} {t(`common:role.${i.role}`)}
            {i.unit ? `, ${i.unit.name}` : ""} ·{" "}
            {t("web:members.code_state", {
              uses: i.uses,
              max: i.maxUses,
              until: date(i.expiresAt),
            })}{" "}
            <form method="post" action={`/web/invites/${i.id}/revoke`} class="inline">
              <Csrf token={viewer.csrf} />
              <button type="submit">{t("web:members.revoke")}</button>
            </form>
          </li>
        ))}
      </ul>
      <h2>{t("web:members.list", { count: props.members.length })}</h2>
      <div class="scroll">
        <table>
          <tbody>
            {props.members.map((m) => (
              <tr>
                <td>
                  #{m.id} {m.displayName}
                </td>
                <td>{t(`common:role.${m.role}`)}</td>
                <td>{m.unit?.name ?? "—"}</td>
                <td>{m.accounts.map((a) => a.platform).join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted">{t("web:members.chat_hint")}</p>
    </Page>
  );
}
