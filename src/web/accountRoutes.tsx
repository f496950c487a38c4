import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { MINUTE } from "../core/clock.ts";
import { languageSchema } from "../core/roles.ts";
import { LANGUAGE_COOKIE } from "./access.tsx";
import type { DashboardDeps } from "./deps.ts";
import type { Env } from "./env.ts";
import { Message } from "./layout.tsx";
import { SESSION_COOKIE } from "./signIn.tsx";

/** The signed-in person's own choices: the pages' language, and signing out. */
export function accountRoutes(deps: DashboardDeps): Hono<Env> {
  const app = new Hono<Env>();
  app.get("/web/lang/:lang", (c) => {
    const language = languageSchema.safeParse(c.req.param("lang"));
    if (language.success) {
      setCookie(c, LANGUAGE_COOKIE, language.data, {
        path: "/web",
        sameSite: "Lax",
        secure: deps.secureCookies,
        maxAge: (365 * 24 * 60 * MINUTE) / 1000,
      });
    }
    // Back to a page of ours only: never an address someone else wrote.
    const back = c.req.query("back") ?? "/web";
    return c.redirect(/^\/web(\/[\w/-]*)?$/.test(back) ? back : "/web", 303);
  });

  app.post("/web/logout", async (c) => {
    await deps.services.webAccess.logout(c.get("session").sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    const t = c.get("viewer").t;
    return c.html(<Message title={t("web:logged_out.title")} lines={[t("web:logged_out.body")]} />);
  });
  return app;
}
