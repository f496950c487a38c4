import { join } from "node:path";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { type Clock, MINUTE } from "../core/clock.ts";
import type { Actor } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { type Language, languageSchema, REVIEWERS } from "../core/roles.ts";
import type { Db } from "../db/client.ts";
import { parseScore } from "../features/campaigns/criteria.ts";
import { checkLateRule, parseThresholdsText } from "../features/campaigns/rules.ts";
import { actorById } from "../features/membership/identity.ts";
import { describeTotal } from "../features/review/score.ts";
import type { Services } from "../features/services.ts";
import type { Translator } from "../i18n/translator.ts";
import { memberActor } from "../services/auditLog.ts";
import { campaignEditRoutes, campaignEditSection } from "./campaignEditRoutes.tsx";
import { documentsRoutes } from "./documentsRoutes.tsx";
import type { Env } from "./env.ts";
import { Message, type PageViewer } from "./layout.tsx";
import { AnnouncementsPage } from "./pages/announcements.tsx";
import { CampaignPage } from "./pages/campaign.tsx";
import type { EditState } from "./pages/campaignEdit.tsx";
import {
  CampaignRulesForm,
  type RulesFormValues,
  rulesFormValues,
} from "./pages/campaignRules.tsx";
import { GalleryPage, PhotoPage } from "./pages/gallery.tsx";
import { type CampaignOverview, OverviewPage } from "./pages/overview.tsx";
import { RankingPage } from "./pages/ranking.tsx";
import { ReviewPage, ReviewQueuePage } from "./pages/reviews.tsx";
import { peopleRoutes } from "./peopleRoutes.tsx";
import {
  fromAnotherSite,
  SESSION_COOKIE,
  signedOut as signedOutPage,
  signInRoutes,
} from "./signIn.tsx";
import { STYLESHEET } from "./style.ts";
import { Thumbnails } from "./thumbnails.ts";
import { yearRoutes } from "./yearRoutes.tsx";

export interface DashboardDeps {
  services: Services;
  db: Db;
  translator: Translator;
  clock: Clock;
  dataDir: string;
  /** Cookies marked Secure when the dashboard is reached over https. */
  secureCookies: boolean;
  /** The Telegram bot's username, for invite deep links ("" when Telegram is off). */
  telegramUsername: () => string;
  /** Checks Mini App sign-ins; unset when Telegram is off. */
  telegramToken?: string | undefined;
}

/** Photos per gallery page: a phone scrolls them; the server sends a few dozen KB. */
const GALLERY_PAGE = 120;
const LANGUAGE_COOKIE = "thidua_lang";

/**
 * Private pages: never cached, no inline script or style, framed only by Telegram's
 * web client (where the Mini App runs in a frame); the Mini App's own page adds
 * Telegram's script.
 */
const CSP =
  "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors https://web.telegram.org";
const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has("content-security-policy")) c.header("content-security-policy", CSP);
  c.header("x-content-type-options", "nosniff");
  // Same-origin: no address of ours reaches another site, and our forms carry an Origin.
  c.header("referrer-policy", "same-origin");
  if (!c.res.headers.has("cache-control")) c.header("cache-control", "private, no-store");
};

/** A late rule or classes the rules form refuses: answered on the form itself. */
const isRulesRefusal = (code: string) =>
  code === "late_points_invalid" || code === "rules_published" || code.startsWith("thresholds_");

const STATUS_OF: Partial<Record<string, 400 | 403 | 404>> = {
  forbidden: 403,
  not_found: 404,
};

/**
 * The dashboard under /web: login from a chat link, then pages for the lead (the
 * bloc at a glance, a campaign's heatmap, the gallery, announcements, members and
 * invites) and for a unit's members (their unit only). Every page calls the same
 * services as the chat commands; every route checks the role.
 */
export function dashboardRoutes(deps: DashboardDeps): (web: Hono) => void {
  const app = new Hono<Env>();
  const { services, translator, clock } = deps;
  const thumbnails = new Thumbnails(join(deps.dataDir, "thumbs"), (key) =>
    services.evidenceStore.get(key),
  );

  const languageOf = (c: Context, actor: Actor | null): Language =>
    languageSchema.catch(actor?.language ?? "vi").parse(getCookie(c, LANGUAGE_COOKIE));

  const signedOut = (c: Context) => signedOutPage(c, translator);

  const authenticate: MiddlewareHandler<Env> = async (c, next) => {
    const session = await services.webAccess.viewer(getCookie(c, SESSION_COOKIE));
    const actor = session ? await actorById(deps.db, session.memberId) : null;
    if (!session || !actor) {
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return signedOut(c);
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

  const leadOnly: MiddlewareHandler<Env> = async (c, next) => {
    if (!c.get("viewer").lead) throw new AppError("forbidden");
    await next();
  };
  const reviewersOnly: MiddlewareHandler<Env> = async (c, next) => {
    if (!c.get("viewer").reviewer) throw new AppError("forbidden");
    await next();
  };

  const idParam = (c: Context, name = "id") => {
    const id = Number(c.req.param(name));
    if (!Number.isInteger(id) || id <= 0) throw new AppError("not_found");
    return id;
  };

  {
    app.use("/web/*", securityHeaders);
    app.get("/web/app.css", (c) =>
      c.body(STYLESHEET, 200, {
        "content-type": "text/css; charset=utf-8",
        "cache-control": "public, max-age=3600",
      }),
    );

    signInRoutes(app, {
      services,
      translator,
      clock,
      secureCookies: deps.secureCookies,
      telegramToken: deps.telegramToken,
      csp: CSP,
      language: (c) => languageOf(c, null),
    });

    // Every page below needs a session: the routes above (stylesheet, login link, Mini
    // App) answer before this runs, so a page added later cannot be left open by mistake.
    app.use("/web", authenticate);
    app.use("/web/*", authenticate);
    for (const path of ["/web/reviews", "/web/reviews/*", "/web/ranking/*"]) {
      app.use(path, reviewersOnly);
    }
    for (const path of [
      "/web/campaigns/*",
      "/web/announcements",
      "/web/announcements/*",
      "/web/members",
      "/web/members/*",
      "/web/invites",
      "/web/invites/*",
    ]) {
      app.use(path, leadOnly);
    }

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

    app.get("/web", async (c) => {
      const viewer = c.get("viewer");
      if (!viewer.lead) {
        if (viewer.reviewer) return c.redirect("/web/reviews", 303);
        if (!viewer.actor.unitId) throw new AppError("no_unit");
        return c.redirect(`/web/units/${viewer.actor.unitId}`, 303);
      }
      const active = await services.campaigns.list(viewer.actor.blocId, ["ACTIVE"]);
      const now = clock.now();
      const campaigns: CampaignOverview[] = await Promise.all(
        active.map(async (campaign) => {
          const progress = await services.progress.forCampaign(campaign);
          return {
            campaign,
            next: progress.find((p) => p.dueAt >= now) ?? progress.at(-1) ?? null,
          };
        }),
      );
      return c.html(<OverviewPage viewer={viewer} campaigns={campaigns} />);
    });

    const campaignPage = async (
      c: Context<Env>,
      extra: {
        notice?: string;
        downloads?: { name: string; url: string }[];
        /** A refused rules form: the message, and the fields as they were sent. */
        rulesRefused?: { errors: string[]; values: RulesFormValues };
        /** The edit section's refusal or pending confirmation. */
        edit?: EditState;
      } = {},
    ) => {
      const viewer = c.get("viewer");
      const campaign = await services.campaigns.get(viewer.actor.blocId, idParam(c));
      const grid = await services.progress.grid(campaign, viewer.actor.timezone);
      const current = campaign.deadlines.length ? services.reports.currentDeadline(campaign) : null;
      const { rulesRefused, edit, ...shown } = extra;
      const scored = campaign.criteriaScale.some((cr) => cr.maxScore !== null);
      const blocThresholds = scored
        ? await services.campaigns.blocThresholds(viewer.actor.blocId)
        : null;
      const locked = blocThresholds
        ? await services.campaigns.rulesLocked(viewer.actor.blocId, campaign.id)
        : false;
      const rules = blocThresholds ? (
        <CampaignRulesForm
          viewer={viewer}
          campaignId={campaign.id}
          locked={locked}
          blocThresholds={blocThresholds}
          values={rulesRefused?.values ?? rulesFormValues(campaign, blocThresholds)}
          errors={rulesRefused?.errors ?? []}
        />
      ) : null;
      return c.html(
        <CampaignPage
          viewer={viewer}
          campaign={campaign}
          grid={grid}
          current={current}
          rules={rules}
          edit={await campaignEditSection(services, viewer, campaign, edit)}
          {...shown}
        />,
        rulesRefused || edit?.errors ? 400 : 200,
      );
    };

    app.get("/web/campaigns/:id", (c) => campaignPage(c));

    app.post("/web/campaigns/:id/remind", async (c) => {
      const viewer = c.get("viewer");
      const campaign = await services.campaigns.get(viewer.actor.blocId, idParam(c));
      if (campaign.status !== "ACTIVE")
        throw new AppError("campaign_wrong_state", { status: campaign.status });
      const deadline = services.reports.currentDeadline(campaign);
      const reminded = await services.reminders.remindNow(deadline.id);
      const t = viewer.t;
      const notice = [
        t("web:campaign.reminded", { units: reminded.units, messages: reminded.messages }),
        reminded.unreachable.length
          ? t("reminders:unreachable", {
              count: reminded.unreachable.length,
              units: reminded.unreachable.join(", "),
            })
          : "",
        reminded.skipped ? t("reminders:skipped_recent", { count: reminded.skipped }) : "",
      ]
        .filter(Boolean)
        .join(" ");
      return campaignPage(c, { notice });
    });

    app.post("/web/campaigns/:id/export", async (c) => {
      const viewer = c.get("viewer");
      const campaign = await services.campaigns.get(viewer.actor.blocId, idParam(c));
      const built = await services.exports.build(campaign, viewer.actor.timezone, viewer.t);
      const downloads = services.exports
        .downloadLinks(built.files)
        .map(({ file, url }) => ({ name: file.fileName, url: new URL(url).pathname }));
      return campaignPage(c, {
        notice: viewer.t("progress:export_ready", {
          title: campaign.title,
          rows: built.rows,
          photos: built.photos,
        }),
        downloads,
      });
    });

    app.post("/web/campaigns/:id/rules", async (c) => {
      const viewer = c.get("viewer");
      const body = await c.req.parseBody();
      const field = (name: string) => (typeof body[name] === "string" ? String(body[name]) : "");
      const values: RulesFormValues = {
        late: field("late"),
        points: field("points"),
        classes: field("classes") === "own" ? "own" : "bloc",
        thresholds: field("thresholds"),
      };
      // Both halves are checked before anything is saved, so that one answer names every
      // wrong value; the fields come back as they were typed, to be corrected.
      const problems: string[] = [];
      const refuse = (error: unknown): undefined => {
        if (!(error instanceof AppError) || !isRulesRefusal(error.code)) throw error;
        problems.push(viewer.t(`errors:${error.code}`, error.params));
      };
      const checked = <T,>(read: () => T): T | undefined => {
        try {
          return read();
        } catch (error) {
          return refuse(error);
        }
      };
      const lateRule = checked(() =>
        checkLateRule(values.late === "deduct" ? `deduct:${values.points.trim()}` : values.late),
      );
      const thresholds =
        values.classes === "own" ? checked(() => parseThresholdsText(values.thresholds)) : null;
      const saved =
        lateRule === undefined || thresholds === undefined
          ? undefined
          : await services.campaigns
              .setRules(
                viewer.actor.blocId,
                idParam(c),
                { lateRule, thresholds },
                memberActor(viewer.actor.memberId),
              )
              .catch(refuse);
      if (!saved) return campaignPage(c, { rulesRefused: { errors: problems, values } });
      const { id, title } = saved.campaign;
      const notice = saved.changed
        ? [
            viewer.t("campaigns:rules_saved", { id, title }),
            saved.scoredReports > 0
              ? viewer.t("web:campaign.rules_reranked", { count: saved.scoredReports })
              : "",
          ]
            .filter(Boolean)
            .join(" ")
        : viewer.t("campaigns:rules_unchanged", { id });
      return campaignPage(c, { notice });
    });

    campaignEditRoutes(app, services, clock, campaignPage, idParam);

    app.get("/web/gallery", async (c) => {
      const viewer = c.get("viewer");
      const number = (name: string) => {
        const value = Number(c.req.query(name));
        return Number.isInteger(value) && value > 0 ? value : undefined;
      };
      // A unit's members see their own unit's photos, whatever the address asks.
      const unitId = viewer.reviewer ? number("unit") : (viewer.actor.unitId ?? -1);
      const campaignId = number("campaign");
      const filter = {
        ...(campaignId ? { campaignId } : {}),
        ...(number("deadline") ? { deadlineId: number("deadline") } : {}),
        ...(unitId ? { unitId } : {}),
      };
      const pageNumber = number("page") ?? 1;
      const [{ photos, total }, campaigns, units] = await Promise.all([
        services.gallery.list(viewer.actor.blocId, filter, {
          take: GALLERY_PAGE,
          skip: (pageNumber - 1) * GALLERY_PAGE,
        }),
        services.campaigns.list(viewer.actor.blocId, ["ACTIVE", "CLOSED"]),
        services.blocs.listUnits(viewer.actor.blocId),
      ]);
      const chosen = campaigns.find((x) => x.id === campaignId);
      return c.html(
        <GalleryPage
          viewer={viewer}
          photos={photos}
          total={total}
          page={pageNumber}
          pages={Math.max(1, Math.ceil(total / GALLERY_PAGE))}
          query={new URL(c.req.url).searchParams}
          filter={filter}
          campaigns={campaigns.map((x) => ({ id: x.id, label: x.title }))}
          deadlines={(chosen?.deadlines ?? []).map((d) => ({
            id: d.id,
            label: d.dueAt.toISOString().slice(0, 10),
          }))}
          units={units
            .filter((u) => viewer.reviewer || u.id === viewer.actor.unitId)
            .map((u) => ({ id: u.id, label: u.name }))}
        />,
      );
    });

    const photo = async (c: Context<Env>) => {
      const viewer = c.get("viewer");
      const found = await services.gallery.find(c.req.param("sha") ?? "", {
        blocId: viewer.actor.blocId,
        unitId: viewer.actor.unitId,
        wholeBloc: viewer.reviewer,
      });
      if (!found) throw new AppError("not_found");
      return found;
    };
    app.get("/web/photos/:sha", async (c) => {
      const viewer = c.get("viewer");
      const found = await photo(c);
      const recycled = viewer.reviewer
        ? await services.recycled.ofPhoto(viewer.actor.blocId, found.sha256)
        : [];
      return c.html(<PhotoPage viewer={viewer} photo={found} recycled={recycled} />);
    });
    app.get("/web/photos/:sha/thumb", async (c) => {
      const found = await photo(c);
      const bytes = await thumbnails.get(found.sha256, found.storageKey);
      return c.body(Buffer.from(bytes), 200, {
        "content-type": "image/webp",
        "cache-control": "private, max-age=86400",
      });
    });
    app.get("/web/photos/:sha/full", async (c) => {
      const found = await photo(c);
      const bytes = await services.evidenceStore.get(found.storageKey);
      return c.body(Buffer.from(bytes), 200, {
        "content-type": found.mimeType,
        "cache-control": "private, max-age=86400",
      });
    });

    const announcementsPage = async (c: Context<Env>, openedId?: number, notice?: string) => {
      const viewer = c.get("viewer");
      const blocId = viewer.actor.blocId;
      const recent = await services.announcements.recent(blocId, 30);
      const opened = openedId
        ? {
            id: openedId,
            text: (await services.announcements.get(blocId, openedId)).text,
            deliveries: await services.announcements.deliveries(blocId, openedId),
          }
        : undefined;
      return c.html(
        <AnnouncementsPage viewer={viewer} recent={recent} opened={opened} notice={notice} />,
      );
    };
    app.get("/web/announcements", (c) => announcementsPage(c));
    app.get("/web/announcements/:id", (c) => announcementsPage(c, idParam(c)));
    app.post("/web/announcements/:id/retry", async (c) => {
      const viewer = c.get("viewer");
      const id = idParam(c);
      const count = await services.announcements.retryFailed(
        viewer.actor.blocId,
        id,
        memberActor(viewer.actor.memberId),
      );
      const said = count > 0 ? "announcements:retrying" : "announcements:nothing_to_retry";
      return announcementsPage(c, id, viewer.t(said, { id, count }));
    });

    yearRoutes(app, { services, clock });

    peopleRoutes(app, {
      services,
      clock,
      telegramUsername: deps.telegramUsername,
      idParam: (c) => idParam(c),
    });

    documentsRoutes(app, services);

    app.get("/web/ranking/:id", async (c) => {
      const viewer = c.get("viewer");
      const ranking = await services.ranking.campaign(viewer.actor.blocId, idParam(c));
      return c.html(<RankingPage viewer={viewer} ranking={ranking} />);
    });
    app.post("/web/ranking/:id/publish", async (c) => {
      const viewer = c.get("viewer");
      if (viewer.actor.role !== "LEAD") throw new AppError("forbidden");
      const ranking = await services.publication.publish(
        viewer.actor.blocId,
        idParam(c),
        viewer.actor.memberId,
      );
      return c.html(
        <RankingPage
          viewer={viewer}
          ranking={ranking}
          notice={viewer.t("review:published", { campaign: ranking.campaign.title })}
        />,
      );
    });
    app.post("/web/ranking/:id/self-scores", async (c) => {
      const viewer = c.get("viewer");
      if (viewer.actor.role !== "LEAD") throw new AppError("forbidden");
      const body = await c.req.parseBody();
      const on = body.rankSelfScores === "on";
      await services.ranking.setRankSelfScores(
        viewer.actor.blocId,
        on,
        memberActor(viewer.actor.memberId),
      );
      const ranking = await services.ranking.campaign(viewer.actor.blocId, idParam(c));
      return c.html(
        <RankingPage
          viewer={viewer}
          ranking={ranking}
          notice={viewer.t(on ? "review:self_scores_on" : "review:self_scores_off")}
        />,
      );
    });

    const queue = async (c: Context<Env>, notice?: string) => {
      const viewer = c.get("viewer");
      const waiting = await services.review.waiting(viewer.actor.blocId);
      return c.html(<ReviewQueuePage viewer={viewer} waiting={waiting} notice={notice} />);
    };
    app.get("/web/reviews", (c) => queue(c));
    app.get("/web/reviews/:id", async (c) => {
      const viewer = c.get("viewer");
      const id = idParam(c);
      const item = await services.review.get(viewer.actor.blocId, id);
      const photos = await services.review.photos(viewer.actor.blocId, id);
      const recycled = await services.recycled.ofReport(viewer.actor.blocId, id);
      return c.html(<ReviewPage viewer={viewer} item={item} photos={photos} recycled={recycled} />);
    });
    const decision = (c: Context<Env>) => {
      const viewer = c.get("viewer");
      return { viewer, id: idParam(c), blocId: viewer.actor.blocId, by: viewer.actor.memberId };
    };
    const reasonOf = (body: Record<string, unknown>) =>
      typeof body.reason === "string" ? body.reason : "";
    const versionOf = async (c: Context<Env>) => {
      const body = await c.req.parseBody();
      const version = Number(body.version);
      if (!Number.isInteger(version) || version < 0) throw new AppError("review_changed");
      return { body, version };
    };
    app.post("/web/reviews/:id/approve", async (c) => {
      const { viewer, id, blocId, by } = decision(c);
      const { body, version: v } = await versionOf(c);
      const { item, total } = await services.review.approve(blocId, id, v, by, reasonOf(body));
      return queue(
        c,
        viewer.t("review:approved", { unit: item.unitName, total: describeTotal(viewer.t, total) }),
      );
    });
    app.post("/web/reviews/:id/return", async (c) => {
      const { viewer, id, blocId, by } = decision(c);
      const { body, version } = await versionOf(c);
      const reason = typeof body.reason === "string" ? body.reason : "";
      const { item, notified } = await services.review.returnReport(
        blocId,
        id,
        version,
        by,
        reason,
      );
      return queue(c, viewer.t("review:returned", { unit: item.unitName, chats: notified }));
    });
    app.post("/web/reviews/:id/score", async (c) => {
      const { viewer, id, blocId, by } = decision(c);
      const { body, version } = await versionOf(c);
      const item = await services.review.get(blocId, id);
      const points = Object.fromEntries(
        item.criteria.map((cr) => [
          cr.id,
          parseScore(String(body[`c${cr.id}`] ?? "")) ?? Number.NaN,
        ]),
      );
      const { total } = await services.review.score(
        blocId,
        id,
        version,
        by,
        points,
        reasonOf(body),
      );
      return queue(
        c,
        viewer.t("review:scored", { unit: item.unitName, total: describeTotal(viewer.t, total) }),
      );
    });

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
      await services.webAccess.logout(c.get("session").sessionId);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      const t = c.get("viewer").t;
      return c.html(
        <Message title={t("web:logged_out.title")} lines={[t("web:logged_out.body")]} />,
      );
    });
  }
  // Mounted as a sub-application, so that its error page answers its routes only.
  return (web) => {
    web.route("/", app);
  };
}
