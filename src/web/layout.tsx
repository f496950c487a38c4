import type { Child } from "hono/jsx";
import type { Actor } from "../core/context.ts";
import type { Language } from "../core/roles.ts";
import type { Translate } from "../i18n/translator.ts";

/** What every page knows about who is looking. */
export interface PageViewer {
  actor: Actor;
  t: Translate;
  language: Language;
  csrf: string;
  lead: boolean;
  /** May review, score and rank (the lead, or a reviewer). */
  reviewer: boolean;
}

/** A form field that proves the post comes from our own page (CSRF). */
export const Csrf = ({ token }: { token: string }) => (
  <input type="hidden" name="_csrf" value={token} />
);

const NAV = [
  { href: "/web", key: "nav.overview", who: "anyone" },
  { href: "/web/year", key: "nav.year", who: "anyone" },
  { href: "/web/reviews", key: "nav.reviews", who: "reviewer" },
  { href: "/web/gallery", key: "nav.gallery", who: "reviewer" },
  { href: "/web/announcements", key: "nav.announcements", who: "lead" },
  { href: "/web/members", key: "nav.members", who: "lead" },
] as const;

export function Page(props: { viewer: PageViewer; title: string; path: string; children: Child }) {
  const { viewer, title, path } = props;
  const { t, actor } = viewer;
  const other = viewer.language === "vi" ? "en" : "vi";
  return (
    <html lang={viewer.language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${actor.blocName}`}</title>
        <link rel="stylesheet" href="/web/app.css" />
      </head>
      <body>
        <header>
          <span class="bloc">{actor.blocName}</span>
          <nav aria-label={t("web:nav.label")}>
            {NAV.filter(
              (n) =>
                n.who === "anyone" ||
                (n.who === "reviewer" && viewer.reviewer) ||
                (n.who === "lead" && viewer.lead),
            ).map((n) => (
              <a href={n.href} aria-current={path === n.href ? "page" : undefined}>
                {t(`web:${n.key}`)}
              </a>
            ))}
            {actor.unitId && !viewer.lead ? (
              <a href={`/web/units/${actor.unitId}`}>{actor.unitName}</a>
            ) : null}
          </nav>
          <a href={`/web/lang/${other}?back=${encodeURIComponent(path)}`} lang={other}>
            {other === "en" ? "English" : "Tiếng Việt"}
          </a>
          <form method="post" action="/web/logout" class="inline">
            <Csrf token={viewer.csrf} />
            <button type="submit">{t("web:logout")}</button>
          </form>
        </header>
        <main>
          <h1>{title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A page for someone with no session: what to do, in both languages. */
export function Message(props: { title: string; lines: string[]; language?: Language }) {
  return (
    <html lang={props.language ?? "vi"}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href="/web/app.css" />
      </head>
      <body>
        <main>
          <h1>{props.title}</h1>
          {props.lines.map((line) => (
            <p>{line}</p>
          ))}
        </main>
      </body>
    </html>
  );
}
