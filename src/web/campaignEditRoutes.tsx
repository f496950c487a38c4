import type { Context, Hono } from "hono";
import type { Clock } from "../core/clock.ts";
import { AppError, CAMPAIGN_EDIT_ERRORS } from "../core/errors.ts";
import { parseDateInput } from "../features/campaigns/dateInput.ts";
import { checkHashtag } from "../features/campaigns/edit.ts";
import type { CampaignSummary } from "../features/campaigns/service.ts";
import type { Services } from "../features/services.ts";
import { formatDateTime } from "../i18n/datetime.ts";
import { memberActor } from "../services/auditLog.ts";
import type { PageViewer } from "./layout.tsx";
import { CampaignEditSection, type EditState } from "./pages/campaignEdit.tsx";

/*
 * The campaign page's edit forms: the same service as "/campaign edit" in chat, so the
 * same checks, audit lines and notices to units. A refusal is answered on the page
 * with nothing changed; every post carries the session's CSRF token (checked before).
 */

/** The dashboard's environment, as far as these routes read it. */
type Env = { Variables: { viewer: PageViewer } };

/** Answers an edit's outcome on the campaign page: a notice, or the edit section's state. */
export type ShowCampaign<E extends Env> = (
  c: Context<E>,
  extra: { notice?: string; edit?: EditState },
) => Promise<Response>;

/** Refusals a lead can correct on the form; anything else is the error page's. */
const EDIT_REFUSALS = new Set([
  "bad_date",
  "bad_hashtag",
  "hashtag_taken",
  "campaign_title_length",
  "campaign_wrong_state",
  ...CAMPAIGN_EDIT_ERRORS,
]);

/**
 * The edit section for the campaign page (lead only: the page's routes are), with a
 * form for each deadline the heatmap shows (`shown`; every deadline when unset).
 */
export async function campaignEditSection(
  services: Services,
  viewer: PageViewer,
  campaign: CampaignSummary,
  state: EditState = {},
  shown: { id: number; dueAt: Date }[] = campaign.deadlines,
) {
  const blocId = viewer.actor.blocId;
  const [history, locked, reportsOf] = await Promise.all([
    services.campaignEdits.history(blocId, campaign.id),
    services.campaigns.rulesLocked(blocId, campaign.id),
    services.campaignEdits.reportsPerDeadline(campaign.id),
  ]);
  return (
    <CampaignEditSection
      viewer={viewer}
      campaign={campaign}
      shown={shown}
      history={history}
      locked={locked}
      reportsOf={reportsOf}
      state={state}
    />
  );
}

export function campaignEditRoutes<E extends Env>(
  app: Hono<E>,
  services: Services,
  clock: Clock,
  show: ShowCampaign<E>,
  idParam: (c: Context, name?: string) => number,
): void {
  const edits = services.campaignEdits;

  /** Runs one edit; a refusal comes back on the page (400) in the lead's language. */
  const edit =
    (run: (c: Context<E>, form: Form) => Promise<string | EditState>) => async (c: Context<E>) => {
      const viewer = c.get("viewer");
      const body = await c.req.parseBody();
      const form: Form = {
        field: (name) => (typeof body[name] === "string" ? String(body[name]).trim() : ""),
        viewer,
        by: memberActor(viewer.actor.memberId),
        blocId: viewer.actor.blocId,
        id: idParam(c),
      };
      try {
        const outcome = await run(c, form);
        if (typeof outcome !== "string") return show(c, { edit: outcome });
        return show(c, { notice: outcome });
      } catch (error) {
        if (!(error instanceof AppError) || !EDIT_REFUSALS.has(error.code)) throw error;
        return show(c, { edit: { errors: [viewer.t(`errors:${error.code}`, error.params)] } });
      }
    };

  const dateOf = (form: Form) => {
    const text = form.field("dueAt");
    const at = parseDateInput(text, form.viewer.actor.timezone, clock.now(), "officeClose");
    if (!at) throw new AppError("bad_date", { input: text });
    return at;
  };

  app.post(
    "/web/campaigns/:id/edit/details",
    edit(async (_c, form) => {
      const { blocId, id, by } = form;
      const title = form.field("title");
      if (title.length < 3 || title.length > 300) throw new AppError("campaign_title_length");
      const typed = form.field("hashtag");
      // The hashtag is checked before anything is saved: a refusal leaves all three as they were.
      const hashtag = typed ? checkHashtag(typed) : null;
      if (hashtag) await services.campaigns.checkHashtagFree(blocId, hashtag, id);
      await edits.setHashtag(blocId, id, hashtag, by);
      await edits.setTitle(blocId, id, title, by);
      const c = await edits.setDescription(blocId, id, form.field("description"), by);
      return form.viewer.t("web:campaign_edit.saved", { id: c.id });
    }),
  );

  app.post(
    "/web/campaigns/:id/edit/deadlines",
    edit(async (_c, form) => {
      const at = dateOf(form);
      await edits.addDeadline(form.blocId, form.id, at, form.by);
      return form.viewer.t("campaigns:editing.saved_deadline_added", {
        id: form.id,
        date: formatDateTime(at, form.viewer.actor.timezone),
      });
    }),
  );

  app.post(
    "/web/campaigns/:id/edit/deadlines/:deadline",
    edit(async (c, form) => {
      const at = dateOf(form);
      const moved = await edits.moveDeadline(
        form.blocId,
        form.id,
        idParam(c, "deadline"),
        at,
        form.by,
      );
      const { t, actor } = form.viewer;
      return [
        t(
          at > moved.before ? "campaigns:editing.saved_extended" : "campaigns:editing.saved_moved",
          {
            id: form.id,
            before: formatDateTime(moved.before, actor.timezone),
            date: formatDateTime(at, actor.timezone),
          },
        ),
        moved.lateCleared ? t("campaigns:editing.late_cleared", { count: moved.lateCleared }) : "",
        moved.lateSet ? t("campaigns:editing.late_set", { count: moved.lateSet }) : "",
      ]
        .filter(Boolean)
        .join(" ");
    }),
  );

  app.post(
    "/web/campaigns/:id/edit/deadlines/:deadline/remove",
    edit(async (c, form) => {
      const deadlineId = idParam(c, "deadline");
      const before = await services.campaigns.get(form.blocId, form.id);
      const deadline = before.deadlines.find((d) => d.id === deadlineId);
      if (!deadline) throw new AppError("not_found");
      await edits.removeDeadline(form.blocId, form.id, deadlineId, form.by);
      return form.viewer.t("campaigns:editing.saved_deadline_removed", {
        id: form.id,
        date: formatDateTime(deadline.dueAt, form.viewer.actor.timezone),
      });
    }),
  );

  app.post(
    "/web/campaigns/:id/edit/criteria",
    edit(async (_c, form) => {
      const c = await edits.addCriterion(form.blocId, form.id, form.field("line"), form.by);
      return form.viewer.t("web:campaign_edit.criterion_added", {
        id: c.id,
        title: c.criteria.at(-1) ?? "",
      });
    }),
  );

  app.post(
    "/web/campaigns/:id/edit/criteria/:criterion",
    edit(async (c, form) => {
      const criterionId = idParam(c, "criterion");
      const number = (name: string) => {
        const text = form.field(name).replace(",", ".");
        return /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
      };
      const maxText = form.field("maxScore");
      const scale = { maxScore: maxText ? number("maxScore") : null, weight: number("weight") };
      const confirmed = form.field("confirmScores");
      const outcome = await edits.setScale(
        form.blocId,
        form.id,
        criterionId,
        scale,
        form.by,
        confirmed ? Number(confirmed) : undefined,
      );
      if (!outcome.saved) {
        return {
          confirm: {
            criterionId,
            scores: outcome.scores,
            maxScore: maxText,
            weight: form.field("weight"),
          },
        };
      }
      return [
        form.viewer.t("web:campaign_edit.saved", { id: form.id }),
        outcome.rescaled
          ? form.viewer.t("campaigns:editing.rescaled", { count: outcome.rescaled })
          : "",
      ]
        .filter(Boolean)
        .join(" ");
    }),
  );
}

interface Form {
  field(name: string): string;
  viewer: PageViewer;
  by: ReturnType<typeof memberActor>;
  blocId: number;
  id: number;
}
