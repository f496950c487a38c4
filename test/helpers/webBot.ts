import type { Page } from "playwright-core";
import { type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { type RunningServer, startHttpServer } from "../../src/http/server.ts";
import { dashboardRoutes } from "../../src/web/routes.tsx";
import { createTestApp, type TestApp, texts } from "./testApp.ts";

export const TELEGRAM_TEST_TOKEN = "123456:TEST-fake-token";

export interface WebHarness {
  t: TestApp;
  http: RunningServer;
  invites: DemoInvite[];
  /** The one-time link a console speaker gets from /web. */
  linkFor(speaker: string): Promise<string>;
  /** A browser-like client: follows nothing by itself, keeps its cookie. */
  browser(): WebClient;
  close(): Promise<void>;
}

export interface WebClient {
  cookie: string;
  get(path: string): Promise<Response>;
  post(
    path: string,
    form: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<Response>;
  /**
   * Opens a login link and presses its sign-in button; answers the button's response
   * (303 to /web when it worked), or the page's when it showed no button.
   */
  open(link: string): Promise<Response>;
  /** The CSRF token of the last page read. */
  csrf(html: string): string;
}

/** The bot with its HTTP server and dashboard on a real SQLite file, driven over HTTP. */
export async function startWebBot(): Promise<WebHarness> {
  const t = await createTestApp();
  const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  const http = await startHttpServer({
    port: 0,
    host: "127.0.0.1",
    adapters: [],
    downloads: t.app.downloadRoute,
    receive: async () => "ignored",
    health: () => t.app.healthReport(),
    routes: dashboardRoutes({
      services: t.app.services,
      db: t.app.deps.db,
      translator: t.app.translator,
      clock: t.clock,
      dataDir: t.dir,
      secureCookies: false,
      telegramUsername: () => "thidua_test_bot",
      telegramToken: TELEGRAM_TEST_TOKEN,
    }),
    logger: t.app.deps.logger,
  });
  t.app.useLocalAddress(http.url);
  const browser = (): WebClient => {
    const client: WebClient = {
      cookie: "",
      get: (path) =>
        fetch(new URL(path, http.url), { headers: { cookie: client.cookie }, redirect: "manual" }),
      post: (path, form, headers = {}) =>
        fetch(new URL(path, http.url), {
          method: "POST",
          headers: {
            cookie: client.cookie,
            "content-type": "application/x-www-form-urlencoded",
            ...headers,
          },
          body: new URLSearchParams(form).toString(),
          redirect: "manual",
        }),
      open: async (link) => {
        const page = await fetch(link, { redirect: "manual" });
        if (page.status !== 200) return page;
        const button = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
        const response = await fetch(link, {
          method: "POST",
          headers: {
            cookie: button,
            origin: new URL(link).origin,
            "content-type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams({ _csrf: client.csrf(await page.text()) }).toString(),
          redirect: "manual",
        });
        const set = response.headers.get("set-cookie");
        if (set) client.cookie = set.split(";")[0] ?? "";
        return response;
      },
      csrf: (html) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "",
    };
    return client;
  };
  return {
    t,
    http,
    invites,
    linkFor: async (speaker) => {
      const answer = texts(await t.chat.as(speaker).send("/web"));
      const link = /http:\/\/\S+\/web\/login\/\S+/.exec(answer)?.[0];
      if (!link) throw new Error(`no link in: ${answer}`);
      return link;
    },
    browser,
    close: async () => {
      await http.close();
      await t.close();
    },
  };
}

/** Opens a /web link in a browser's page and presses its sign-in button, as the person does. */
export async function signInWithLink(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole("button", { name: /^(Đăng nhập|Sign in)$/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/web/login/"));
}
