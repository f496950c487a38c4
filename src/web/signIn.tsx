import { randomBytes, timingSafeEqual } from "node:crypto";
import { type Context, Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { type Clock, MINUTE } from "../core/clock.ts";
import { type Language, languageSchema } from "../core/roles.ts";
import type { Services } from "../features/services.ts";
import { verifyInitData } from "../features/web/telegramInitData.ts";
import type { Translator } from "../i18n/translator.ts";
import { Csrf, Message } from "./layout.tsx";

/*
 * The ways into the dashboard: a one-time link from /web in chat, and Telegram's Mini
 * App. Opening a link only shows a sign-in button: messaging apps open links to show
 * previews, and a robot's GET or HEAD must not use up the person's link. Pressing the
 * button posts the form, which proves it comes from our own page in this browser.
 */

export const SESSION_COOKIE = "thidua_session";
/** The sign-in form's token, kept in the browser that opened the link (double submit). */
const BUTTON_COOKIE = "thidua_signin";
/** Telegram signs initData when the Mini App opens: trusted this long, never from ahead. */
const INIT_DATA_MAX_AGE_MS = 60 * MINUTE;

export interface SignInDeps {
  services: Services;
  translator: Translator;
  clock: Clock;
  secureCookies: boolean;
  telegramToken?: string | undefined;
  /** The dashboard's content security policy, which the Mini App's page extends. */
  csp: string;
  /** The language a visitor chose (a cookie), before anyone is signed in. */
  language: (c: Context) => Language;
}

/** The host an Origin header names; null for "null" or anything unreadable. */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** A post another site's page made: its Origin names another host. */
export function fromAnotherSite(c: Context): boolean {
  const origin = c.req.header("origin");
  return origin !== undefined && originHost(origin) !== c.req.header("host");
}

const sameToken = (a: string, b: string) =>
  a.length > 0 && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The page for someone with no session: how to get a link, in both languages. */
export function signedOut(c: Context, translator: Translator, status: 401 | 403 | 410 = 401) {
  const vi = translator.for("vi");
  const en = translator.for("en");
  return c.html(
    <Message
      title={`${vi("web:signed_out.title")} · ${en("web:signed_out.title")}`}
      lines={[vi("web:signed_out.body"), en("web:signed_out.body")]}
    />,
    status,
  );
}

const MINI_APP_SCRIPT = `(function () {
  var app = window.Telegram && window.Telegram.WebApp;
  var status = document.getElementById("status");
  function fail() { status.textContent = status.getAttribute("data-failed"); }
  if (!app || !app.initData) return fail();
  app.ready();
  fetch("/web/telegram/login", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "initData=" + encodeURIComponent(app.initData)
  }).then(function (r) { if (r.ok) location.replace("/web"); else fail(); }, fail);
})();`;

/** The sign-in routes, a sub-application mounted before the dashboard asks for a session. */
export function signInRoutes(deps: SignInDeps): Hono {
  const app = new Hono();
  const { services, translator, clock } = deps;

  const openSession = (c: Context, sessionToken: string, sameSite: "Lax" | "None") =>
    setCookie(c, SESSION_COOKIE, sessionToken, {
      httpOnly: true,
      sameSite,
      secure: deps.secureCookies,
      path: "/",
    });

  app.get("/web/login/:token", async (c) => {
    const holder = await services.webAccess.linkHolder(c.req.param("token"));
    if (!holder) return signedOut(c, translator, 410);
    // Kept when already there: a second opening of the link must not spoil the first page.
    let button = getCookie(c, BUTTON_COOKIE) ?? "";
    if (!/^[\w-]{43}$/.test(button)) {
      button = randomBytes(32).toString("base64url");
      setCookie(c, BUTTON_COOKIE, button, {
        httpOnly: true,
        sameSite: "Strict",
        secure: deps.secureCookies,
        path: "/web/login",
        maxAge: 3600,
      });
    }
    const language: Language = languageSchema.catch("vi").parse(holder.language);
    const t = translator.for(language);
    c.header("x-robots-tag", "noindex");
    return c.html(
      <html lang={language}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>{t("web:sign_in.title")}</title>
          <link rel="stylesheet" href="/web/app.css" />
        </head>
        <body>
          <main>
            <h1>{t("web:sign_in.title")}</h1>
            <p>{t("web:sign_in.body")}</p>
            <form method="post">
              <Csrf token={button} />
              <button type="submit" class="primary">
                {t("web:sign_in.button")}
              </button>
            </form>
          </main>
        </body>
      </html>,
    );
  });

  app.post("/web/login/:token", async (c) => {
    const body = await c.req.parseBody();
    const given = typeof body._csrf === "string" ? body._csrf : "";
    if (fromAnotherSite(c) || !sameToken(given, getCookie(c, BUTTON_COOKIE) ?? "")) {
      const holder = await services.webAccess.linkHolder(c.req.param("token"));
      const t = translator.for(languageSchema.catch("vi").parse(holder?.language));
      return c.html(
        <Message title={t("web:sign_in.title")} lines={[t("web:sign_in.refused")]} />,
        403,
      );
    }
    const opened = await services.webAccess.redeem(c.req.param("token"));
    if (!opened) return signedOut(c, translator, 410);
    openSession(c, opened.sessionToken, "Lax");
    return c.redirect("/web", 303);
  });

  app.get("/web/telegram.js", (c) =>
    c.body(MINI_APP_SCRIPT, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=3600",
    }),
  );
  app.get("/web/telegram", (c) => {
    const t = translator.for(deps.language(c));
    c.header(
      "content-security-policy",
      `${deps.csp}; script-src 'self' https://telegram.org; connect-src 'self'`,
    );
    return c.html(
      <html lang="vi">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{t("web:mini_app.title")}</title>
          <link rel="stylesheet" href="/web/app.css" />
          <script src="https://telegram.org/js/telegram-web-app.js" />
          <script src="/web/telegram.js" defer />
        </head>
        <body>
          <main>
            <p id="status" role="status" data-failed={t("web:mini_app.failed")}>
              {t("web:mini_app.title")}
            </p>
          </main>
        </body>
      </html>,
    );
  });
  app.post("/web/telegram/login", async (c) => {
    const body = await c.req.parseBody();
    const initData = typeof body.initData === "string" ? body.initData : "";
    const checked = deps.telegramToken
      ? verifyInitData(initData, deps.telegramToken, clock.now(), INIT_DATA_MAX_AGE_MS)
      : null;
    const opened = checked ? await services.webAccess.openForTelegramUser(checked.userId) : null;
    if (!opened) return c.json({ ok: false }, 401);
    // Telegram's web client shows the Mini App in a frame: the cookie must cross it.
    openSession(c, opened.sessionToken, deps.secureCookies ? "None" : "Lax");
    return c.json({ ok: true });
  });
  return app;
}
