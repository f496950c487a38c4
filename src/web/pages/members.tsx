import type { Role } from "../../core/roles.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { Csrf, Page, type PageViewer } from "../layout.tsx";
import { UnitsSection } from "./unitsSection.tsx";

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

/** A change the lead asked for, shown again with the same question as /members before it is made. */
export interface PendingChange {
  question: string;
  action: string;
  /** Hidden fields carried to the confirming post (the role asked for). */
  fields: Record<string, string>;
  yes: string;
  /** Removal: the open codes they used, offered for revocation (ticked). */
  codes?: string | undefined;
}

const ROLES = ["LEAD", "REVIEWER", "FOCAL", "OFFICER"] as const;

/** Asks before a role change or a removal; "leave as is" goes back without a post. */
function Confirm(props: { viewer: PageViewer; change: PendingChange }) {
  const { viewer, change } = props;
  const { t } = viewer;
  return (
    <section class="card warn" aria-labelledby="confirm">
      <h2 id="confirm">{change.question}</h2>
      <form method="post" action={change.action}>
        <Csrf token={viewer.csrf} />
        <input type="hidden" name="confirm" value="yes" />
        {Object.entries(change.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        {change.codes ? (
          <p>
            <input type="checkbox" id="revoke" name="revoke" value="yes" checked />{" "}
            <label for="revoke">{t("web:members.revoke_used", { codes: change.codes })}</label>
          </p>
        ) : null}
        <p>
          <button type="submit" class="primary">
            {change.yes}
          </button>{" "}
          <a href="/web/members">{t("membership:leave_as_is")}</a>
        </p>
      </form>
    </section>
  );
}

/**
 * Members of the bloc (change a role, remove, each asked once more), invite codes
 * (issue one with its QR code, revoke one) and the bloc's units.
 */
export function MembersPage(props: {
  viewer: PageViewer;
  members: MemberRow[];
  invites: InviteRow[];
  units: { id: number; name: string }[];
  retiredUnits: { id: number; name: string }[];
  issued?: IssuedCode | undefined;
  notice?: string | undefined;
  refused?: string | undefined;
  change?: PendingChange | undefined;
  now: Date;
}) {
  const { viewer, issued } = props;
  const { t } = viewer;
  // The form opens on a combination it accepts: a unit's focal point, or a lead when
  // the bloc has no unit yet.
  const roleOrder = props.units.length
    ? (["FOCAL", "OFFICER", "LEAD", "REVIEWER"] as const)
    : (["LEAD", "REVIEWER", "FOCAL", "OFFICER"] as const);
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  const live = props.invites.filter(
    (i) => !i.revokedAt && i.expiresAt > props.now && i.uses < i.maxUses,
  );
  return (
    <Page viewer={viewer} title={t("web:members.title")} path="/web/members">
      {props.refused ? (
        <p class="warn" role="alert">
          {props.refused}
        </p>
      ) : null}
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.change ? <Confirm viewer={viewer} change={props.change} /> : null}
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
            {props.units.map((u) => (
              <option value={String(u.id)}>{u.name}</option>
            ))}
            <option value="">{t("web:members.no_unit")}</option>
          </select>
          <label for="role">{t("web:members.role")}</label>
          <select id="role" name="role">
            {roleOrder.map((r) => (
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
      <ul class="people">
        {props.members.map((m) => (
          <li>
            <strong>
              #{m.id} {m.displayName}
            </strong>{" "}
            · {t(`common:role.${m.role}`)}
            {m.unit ? ` · ${m.unit.name}` : ""}
            {m.accounts.length ? ` · ${m.accounts.map((a) => a.platform).join(", ")}` : ""}
            <form method="post" action={`/web/members/${m.id}/role`}>
              <Csrf token={viewer.csrf} />
              <select
                id={`role-${m.id}`}
                name="role"
                aria-label={t("web:members.role_of", { name: m.displayName })}
              >
                {ROLES.filter((r) => r !== m.role).map((r) => (
                  <option value={r}>{t(`common:role.${r}`)}</option>
                ))}
              </select>{" "}
              <button type="submit">{t("web:members.change_role")}</button>
            </form>
            <form method="post" action={`/web/members/${m.id}/remove`}>
              <Csrf token={viewer.csrf} />
              <button type="submit">{t("membership:remove_member")}</button>
            </form>
          </li>
        ))}
      </ul>
      <UnitsSection viewer={viewer} units={props.units} retired={props.retiredUnits} />
    </Page>
  );
}
