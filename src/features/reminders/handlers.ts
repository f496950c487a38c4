import { MINUTE } from "../../core/clock.ts";
import type { Feature } from "../../core/commands.ts";
import type { HandlerContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { formatDate, formatDateTime } from "../../i18n/datetime.ts";
import { whichCampaign } from "../campaigns/pick.ts";
import type { Services } from "../services.ts";
import { formatOffsets, parseOffsets } from "./offsets.ts";
import { MAX_OFFSET_MINUTES } from "./service.ts";

type Ctx = HandlerContext<Services>;

const actorOf = (ctx: Ctx) => {
  if (!ctx.actor) throw new AppError("not_linked");
  return ctx.actor;
};

/** /remind [campaign]: the lead pings the missing units of the current deadline now. */
async function remind(ctx: Ctx, args: string): Promise<void> {
  const actor = actorOf(ctx);
  const resolved = await ctx.services.campaigns.resolve(actor.blocId, args);
  if (Array.isArray(resolved)) {
    ctx.reply(whichCampaign(ctx.t, "remind", resolved));
    return;
  }
  if (resolved.status !== "ACTIVE")
    throw new AppError("campaign_wrong_state", { status: resolved.status });
  const deadline = ctx.services.reports.currentDeadline(resolved);
  const reminded = await ctx.services.reminders.remindNow(deadline.id);
  const where = { campaign: resolved.title, date: formatDateTime(deadline.dueAt, actor.timezone) };
  const lines = [
    reminded.units > 0
      ? ctx.t("reminders:pinged", { ...where, count: reminded.units, messages: reminded.messages })
      : ctx.t("reminders:pinged_none", where),
  ];
  if (reminded.unreachable.length) {
    lines.push(
      ctx.t("reminders:unreachable", {
        count: reminded.unreachable.length,
        units: reminded.unreachable.join(", "),
      }),
    );
  }
  if (reminded.skipped) lines.push(ctx.t("reminders:skipped_recent", { count: reminded.skipped }));
  ctx.reply(lines.join("\n"));
}

async function mute(ctx: Ctx): Promise<void> {
  await ctx.services.reminders.setMuted(actorOf(ctx).memberId, true);
  ctx.reply(ctx.t("reminders:muted"));
}

async function unmute(ctx: Ctx): Promise<void> {
  await ctx.services.reminders.setMuted(actorOf(ctx).memberId, false);
  ctx.reply(ctx.t("reminders:unmuted"));
}

/**
 * /reminders: the schedule as it stands, and how to change it;
 * /reminders N 3d,1d,2h: when a campaign's missing units are reminded;
 * /reminders bloc 3d,1d: the bloc's default for campaigns without their own.
 */
async function setReminders(ctx: Ctx, args: string): Promise<void> {
  const actor = actorOf(ctx);
  const usage = ctx.t("reminders:usage");
  if (args.trim() === "") {
    const schedule = await ctx.services.reminders.schedule(actor.blocId);
    ctx.reply(
      [
        ctx.t("reminders:schedule_bloc", { offsets: formatOffsets(schedule.bloc) }),
        ...schedule.campaigns.map((c) =>
          ctx.t("reminders:schedule_campaign", {
            id: c.id,
            title: c.title,
            offsets: formatOffsets(c.offsets),
          }),
        ),
        ctx.t("reminders:schedule_how", { usage }),
      ].join("\n"),
    );
    return;
  }
  const [target = "", ...rest] = args.split(/\s+/);
  const offsets = parseOffsets(rest.join(" "));
  if (!offsets) throw new AppError("bad_arguments", { usage });
  const beyondTick = (offsets[0] ?? 0) > MAX_OFFSET_MINUTES;
  if (target.toLowerCase() === "bloc" || target.toLowerCase() === "khoi") {
    if (beyondTick) throw new AppError("bad_arguments", { usage });
    await ctx.services.reminders.setBlocOffsets(actor.blocId, offsets);
    ctx.reply(ctx.t("reminders:bloc_offsets_set", { offsets: formatOffsets(offsets) }));
    return;
  }
  const id = Number(target);
  if (!Number.isInteger(id) || id <= 0) throw new AppError("bad_arguments", { usage });
  const campaign = await ctx.services.campaigns.get(actor.blocId, id);
  // A reminder further ahead than the campaign is long would come before it began.
  const longest = offsets[0] ?? 0;
  if (longest * MINUTE > campaign.endsAt.getTime() - campaign.startsAt.getTime()) {
    throw new AppError("reminder_offset_too_long", {
      offset: formatOffsets([longest]),
      from: formatDate(campaign.startsAt, actor.timezone),
      to: formatDate(campaign.endsAt, actor.timezone),
    });
  }
  if (beyondTick) throw new AppError("bad_arguments", { usage });
  await ctx.services.reminders.setCampaignOffsets(actor.blocId, campaign.id, offsets);
  ctx.reply(ctx.t("reminders:offsets_set", { id: campaign.id, offsets: formatOffsets(offsets) }));
}

export const remindersFeature: Feature<Services> = {
  commands: [
    { names: ["remind", "nhac"], audience: ["LEAD"], helpKey: "remind", run: remind },
    {
      names: ["reminders", "lichnhac"],
      audience: ["LEAD"],
      helpKey: "reminders",
      run: setReminders,
    },
    { names: ["mute", "tatnhac"], audience: "member", helpKey: "mute", run: mute },
    { names: ["unmute", "batnhac"], audience: "member", helpKey: "unmute", run: unmute },
  ],
};
