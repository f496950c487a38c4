import { Csrf, type PageViewer } from "../layout.tsx";

/**
 * The bloc's units for the lead: add one, rename one, retire one (asked once more, as
 * in chat). Retired units are named below; their reports stay on their own pages.
 */
export function UnitsSection(props: {
  viewer: PageViewer;
  units: { id: number; name: string }[];
  retired: { id: number; name: string }[];
}) {
  const { viewer } = props;
  const { t } = viewer;
  return (
    <section class="card" aria-labelledby="units">
      <h2 id="units">{t("web:members.units", { count: props.units.length })}</h2>
      <ul>
        {props.units.map((u) => (
          <li>
            <a href={`/web/units/${u.id}`}>
              #{u.id} {u.name}
            </a>
            <form method="post" action={`/web/units/${u.id}/rename`}>
              <Csrf token={viewer.csrf} />
              <input
                name="name"
                value={u.name}
                required
                minlength={2}
                maxlength={200}
                aria-label={t("web:members.new_name_of", { name: u.name })}
              />{" "}
              <button type="submit">{t("web:members.rename")}</button>
            </form>
            <form method="post" action={`/web/units/${u.id}/retire`} class="inline">
              <Csrf token={viewer.csrf} />
              <button type="submit">{t("web:members.retire")}</button>
            </form>
          </li>
        ))}
      </ul>
      <form method="post" action="/web/units">
        <Csrf token={viewer.csrf} />
        <label for="new-unit">{t("units:do_add")}</label>
        <input id="new-unit" name="name" required minlength={2} maxlength={200} />{" "}
        <button type="submit" class="primary">
          {t("web:members.add_unit")}
        </button>
      </form>
      {props.retired.length ? (
        <p class="muted">
          {t("units:retired_list", { units: "" })}
          {props.retired.map((u, i) => (
            <>
              {i ? ", " : ""}
              <a href={`/web/units/${u.id}`}>{u.name}</a>
            </>
          ))}
        </p>
      ) : null}
    </section>
  );
}
