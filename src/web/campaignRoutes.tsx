import { type Context, Hono } from "hono";
import { AppError } from "../core/errors.ts";
import { checkLateRule, parseThresholdsText } from "../features/campaigns/rules.ts";
import type { CampaignSummary } from "../features/campaigns/service.ts";
import { fileSize, sized } from "../features/export/folder.ts";
import { memberActor } from "../services/auditLog.ts";
import { campaignEditRoutes, campaignEditSection } from "./campaignEditRoutes.tsx";
import type { DashboardDeps } from "./deps.ts";
import type { Env } from "./env.ts";
import { CampaignPage, type DeadlinePages } from "./pages/campaign.tsx";
import type { EditState } from "./pages/campaignEdit.tsx";
import {
  CampaignRulesForm,
  type RulesFormValues,
  rulesFormValues,
} from "./pages/campaignRules.tsx";
import { type CampaignOverview, OverviewPage } from "./pages/overview.tsx";
import { idParam, pageParam } from "./params.ts";

/**
 * Deadlines per page of the heatmap: a quarter of weekly deadlines, 100 units × 12
 * cells is about 130 KB; a campaign of 1,000 deadlines was 10 MB on one page.
 */
export const DEADLINES_PER_PAGE = 12;

/** A refused rules form: answered on the form itself. */
const isRulesRefusal = (code: string) =>
  code === "late_points_invalid" || code === "rules_published" || code.startsWith("thresholds_");

/** The page of deadlines holding the current one (the first page when there is none). */
function deadlinePages(
  c: Context,
  campaign: CampaignSummary,
  current: { id: number } | null,
): DeadlinePages {
  const count = campaign.deadlines.length;
  const pages = Math.max(1, Math.ceil(count / DEADLINES_PER_PAGE));
  const at = current ? campaign.deadlines.findIndex((d) => d.id === current.id) : 0;
  const currentPage = Math.floor(Math.max(0, at) / DEADLINES_PER_PAGE) + 1;
  const page = pageParam(c, pages, currentPage);
  const first = (page - 1) * DEADLINES_PER_PAGE;
  return {
    page,
    pages,
    currentPage,
    first: first + 1,
    last: Math.min(count, first + DEADLINES_PER_PAGE),
    count,
  };
}

/** The bloc at a glance (/web), and a campaign's page with its heatmap, rules and edits. */
export function campaignRoutes(deps: DashboardDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { services, clock } = deps;

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
      downloads?: { name: string; url: string; size: string }[];
      /** A refused rules form: the message, and the fields as they were sent. */
      rulesRefused?: { errors: string[]; values: RulesFormValues };
      /** The edit section's refusal or pending confirmation. */
      edit?: EditState;
    } = {},
  ) => {
    const viewer = c.get("viewer");
    const tz = viewer.actor.timezone;
    const campaign = await services.campaigns.get(viewer.actor.blocId, idParam(c));
    const current = campaign.deadlines.length ? services.reports.currentDeadline(campaign) : null;
    const pages = deadlinePages(c, campaign, current);
    // The grid reads the reports of the shown deadlines only; the current deadline's
    // arrivals and missing units come from its own small grid when it is on another page.
    const shown = campaign.deadlines.slice(pages.first - 1, pages.last);
    const grid = await services.progress.grid({ ...campaign, deadlines: shown }, tz);
    const currentGrid =
      !current || shown.some((d) => d.id === current.id)
        ? grid
        : await services.progress.grid({ ...campaign, deadlines: [current] }, tz);
    const { rulesRefused, edit, ...said } = extra;
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
        currentGrid={currentGrid}
        pages={pages}
        current={current}
        rules={rules}
        edit={await campaignEditSection(services, viewer, campaign, edit, shown)}
        {...said}
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
    // The same list as the chat's answer: in its order, each with its size.
    const files = sized(built.files);
    const downloads = services.exports
      .downloadLinks(files.map((f) => f.file))
      .map(({ file, url }, i) => ({
        name: file.fileName,
        url: new URL(url).pathname,
        size: fileSize(files[i]?.bytes ?? 0, viewer.language),
      }));
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
  return app;
}
