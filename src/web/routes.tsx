import { Hono } from "hono";
import { CSP, guardPages, languageOf, securityHeaders } from "./access.tsx";
import { accountRoutes } from "./accountRoutes.tsx";
import { announcementRoutes } from "./announcementRoutes.tsx";
import { campaignRoutes } from "./campaignRoutes.tsx";
import type { DashboardDeps } from "./deps.ts";
import { documentsRoutes } from "./documentsRoutes.tsx";
import type { Env } from "./env.ts";
import { galleryRoutes } from "./galleryRoutes.tsx";
import { peopleRoutes } from "./peopleRoutes.tsx";
import { reviewRoutes } from "./reviewRoutes.tsx";
import { signInRoutes } from "./signIn.tsx";
import { STYLESHEET } from "./style.ts";
import { yearRoutes } from "./yearRoutes.tsx";

export type { DashboardDeps } from "./deps.ts";

/**
 * The dashboard under /web: login from a chat link, then pages for the lead (the
 * bloc at a glance, a campaign's heatmap, the gallery, announcements, members and
 * invites), reviewers, and a unit's members (their unit only). Each area is its own
 * sub-application calling the same services as the chat commands; who may reach
 * what (headers, session, CSRF, roles, the error page) is decided in access.tsx.
 */
export function dashboardRoutes(deps: DashboardDeps): (web: Hono) => void {
  const app = new Hono<Env>();
  app.use("/web/*", securityHeaders);
  app.get("/web/app.css", (c) =>
    c.body(STYLESHEET, 200, {
      "content-type": "text/css; charset=utf-8",
      "cache-control": "public, max-age=3600",
    }),
  );
  app.route(
    "/",
    signInRoutes({
      services: deps.services,
      translator: deps.translator,
      clock: deps.clock,
      secureCookies: deps.secureCookies,
      telegramToken: deps.telegramToken,
      csp: CSP,
      language: (c) => languageOf(c, null),
    }),
  );
  // Every area mounted after this line needs a session and the role its paths ask.
  guardPages(app, deps);
  for (const area of [
    campaignRoutes,
    galleryRoutes,
    announcementRoutes,
    yearRoutes,
    peopleRoutes,
    documentsRoutes,
    reviewRoutes,
    accountRoutes,
  ]) {
    app.route("/", area(deps));
  }
  // Mounted as a sub-application, so that its error page answers its routes only.
  return (web) => {
    web.route("/", app);
  };
}
