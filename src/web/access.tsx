import type { Context, Hono, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import type { Actor } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { type Language, languageSchema, REVIEWERS } from "../core/roles.ts";
import { actorById } from "../features/membership/identity.ts";
import type { DashboardDeps } from "./deps.ts";
import type { Env } from "./env.ts";
import { Message, type PageViewer } from "./layout.tsx";
import { fromAnotherSite, SESSION_COOKIE, signedOut } from "./signIn.tsx";

/**
 * Who may reach what, in one place: the headers every page carries, the session and
 * CSRF check every page after sign-in passes, the roles each area needs, and the
 * error page. The areas' sub-applications only add routes.
 */

export const LANGUAGE_COOKIE = "thidua_lang";

/**
 * Private pages: never cached, no inline script or style, framed only by Telegram's
 * web client (where the Mini App runs in a frame); the Mini App's own page adds
 * Telegram's script.
 */
export const CSP =
  "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors https://web.telegram.org";

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has("content-security-policy")) c.header("content-security-policy", CSP);
  c.header("x-content-type-options", "nosniff");
  // Same-origin: no address of ours reaches another site, and our forms carry an Origin.
  c.header("referrer-policy", "same-origin");
  if (!c.res.headers.has("cache-control")) c.header("cache-control", "private, no-store");
};

export const languageOf = (c: Context, actor: Actor | null): Language =>
  languageSchema.catch(actor?.language ?? "vi").parse(getCookie(c, LANGUAGE_COOKIE));

/** Paths for reviewers (the lead among them) and for the lead only. */
const REVIEWER_PATHS = ["/web/reviews", "/web/reviews/*", "/web/ranking/*"];
const LEAD_PATHS = [
  "/web/campaigns/*",
  "/web/announcements",
  "/web/announcements/*",
  "/web/members",
  "/web/members/*",
  "/web/invites",
  "/web/invites/*",
];

const STATUS_OF: Partial<Record<string, 400 | 403 | 404>> = {
  forbidden: 403,
  not_found: 404,
};

/**
 * Every page registered after this needs a session: the routes before it (stylesheet,
 * login link, Mini App) answer first, so a page added later cannot be left open by
 * mistake.
 */
export function guardPages(app: Hono<Env>, deps: DashboardDeps): void {
  const { services, translator } = deps;
  const authenticate: MiddlewareHandler<Env> = async (c, next) => {
    const session = await services.webAccess.viewer(getCookie(c, SESSION_COOKIE));
    const actor = session ? await actorById(deps.db, session.memberId) : null;
    if (!session || !actor) {
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return signedOut(c, translator);
    }
    const language = languageOf(c, actor);
    c.set("session", session);
    c.set("viewer", {
      actor,
      language,
      t: translator.for(language),
      csrf: session.csrfToken,
      lead: actor.role === "LEAD",
      reviewer: REVIEWERS.includes(actor.role),
    });
    if (c.req.method === "POST") {
      // A form of ours carries the session's token; another site's cannot.
      const body = await c.req.parseBody();
      if (body._csrf !== session.csrfToken || fromAnotherSite(c)) {
        throw new AppError("forbidden");
      }
    }
    await next();
  };
  const only =
    (allowed: (viewer: PageViewer) => boolean): MiddlewareHandler<Env> =>
    async (c, next) => {
      if (!allowed(c.get("viewer"))) throw new AppError("forbidden");
      await next();
    };

  app.use("/web", authenticate);
  app.use("/web/*", authenticate);
  for (const path of REVIEWER_PATHS)
    app.use(
      path,
      only((v) => v.reviewer),
    );
  for (const path of LEAD_PATHS)
    app.use(
      path,
      only((v) => v.lead),
    );

  app.onError((error, c) => {
    if (!(error instanceof AppError)) throw error;
    const viewer = c.get("viewer") as PageViewer | undefined;
    const t = viewer?.t ?? translator.for("vi");
    return c.html(
      <Message
        title={t("web:error_title")}
        lines={[t(`errors:${error.code}`, error.params), t("web:back_home")]}
        language={viewer?.language ?? "vi"}
      />,
      STATUS_OF[error.code] ?? 400,
    );
  });
}
