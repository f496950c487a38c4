import type { Feature } from "../../core/commands.ts";
import type { HandlerContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { whichCampaign } from "../campaigns/pick.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import { recycledCountLine } from "../evidence/recycledLines.ts";
import type { Services } from "../services.ts";

type Ctx = HandlerContext<Services>;

/** The campaign named by the argument, or the only active one; otherwise asks which. */
async function campaignFromArgs(
  ctx: Ctx,
  args: string,
  command: string,
): Promise<CampaignSummary | null> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const resolved = await ctx.services.campaigns.resolve(actor.blocId, args);
  if (!Array.isArray(resolved)) return resolved;
  ctx.reply(whichCampaign(ctx.t, command, resolved));
  return null;
}

async function progress(ctx: Ctx, args: string): Promise<void> {
  const campaign = await campaignFromArgs(ctx, args, "progress");
  if (!campaign || !ctx.actor) return;
  const tz = ctx.actor.timezone;
  // A chat message for a long campaign shows the deadlines around now; the dashboard
  // shows them all.
  const shown = deadlinesAroundNow(campaign.deadlines, ctx.clock.now());
  const rows = await ctx.services.progress.forCampaign(campaign, shown);
  const lines = [`📊 #${campaign.id} ${campaign.title}`];
  for (const row of rows) {
    lines.push(
      "",
      ctx.t("progress:deadline", {
        date: formatDateTime(row.dueAt, tz),
        reported: row.units - row.missing,
        units: row.units,
      }),
      ctx.t("progress:counts", {
        done: row.done,
        inProgress: row.inProgress,
        notStarted: row.notStarted,
        missing: row.missing,
        late: row.late,
      }),
    );
    if (row.missingUnits.length > 0) {
      lines.push(ctx.t("progress:missing_units", { units: row.missingUnits.join(", ") }));
    }
  }
  if (shown.length < campaign.deadlines.length) {
    lines.push(
      "",
      ctx.t("progress:more_deadlines", { count: campaign.deadlines.length - shown.length }),
    );
  }
  const recycled = recycledCountLine(
    ctx.t,
    await ctx.services.recycled.countsByUnit(ctx.actor.blocId, campaign.id),
  );
  if (recycled) lines.push("", recycled);
  const registration = await registrationLine(ctx, ctx.actor.blocId);
  if (registration) lines.push("", registration);
  ctx.reply(lines.join("\n"));
}

const WINDOW_BEFORE = 2;
const WINDOW_AFTER = 3;

/** Every deadline of a short campaign; of a long one, the two last passed and the next three. */
function deadlinesAroundNow<D extends { dueAt: Date }>(deadlines: D[], now: Date): D[] {
  if (deadlines.length <= WINDOW_BEFORE + WINDOW_AFTER + 1) return deadlines;
  const next = deadlines.findIndex((d) => d.dueAt >= now);
  const at = next === -1 ? deadlines.length : next;
  return deadlines.slice(Math.max(0, at - WINDOW_BEFORE), at + WINDOW_AFTER);
}

export const progressFeature: Feature<Services> = {
  commands: [
    {
      names: ["progress", "tiendo"],
      audience: ["LEAD"],
      helpKey: "progress",
      run: progress,
    },
  ],
};

/** The units yet to register for the year (đăng ký thi đua), while a registration is open. */
async function registrationLine(ctx: Ctx, blocId: number): Promise<string | null> {
  const round = await ctx.services.registrations.round(blocId);
  const missing = round ? await ctx.services.registrations.unregistered(blocId) : [];
  if (!round || missing.length === 0) return null;
  return ctx.t("registration:progress_missing", {
    year: round.year,
    count: missing.length,
    units: missing.map((u) => u.name).join(", "),
  });
}
