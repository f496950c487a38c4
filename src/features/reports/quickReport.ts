import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import type { StoredPhoto } from "../evidence/service.ts";
import type { Services } from "../services.ts";
import { keepingEarlyPhotos } from "./earlyPhotos.ts";
import { type ReportData, unitActor } from "./reportState.ts";

type Ctx = HandlerContext<Services>;

/** A photo that named no campaign: where to file it. */
const FILE_FLOW = "file_photos";

/* Quick report: a photo captioned with the campaign's hashtag, or replying to its announcement. */

async function campaignOfQuickReport(ctx: Ctx): Promise<CampaignSummary | null> {
  const { payload, replyToMessageId, chat } = ctx.event;
  if (payload.type !== "media" || !ctx.actor) return null;
  const byTag = await ctx.services.campaigns.findByHashtag(
    ctx.actor.blocId,
    payload.caption,
    ctx.actor.campaignsVersion,
  );
  if (byTag || !replyToMessageId) return byTag;
  const campaignId = await ctx.services.announcements.campaignRepliedTo(
    ctx.actor.blocId,
    chat.platform,
    chat.platformChatId,
    replyToMessageId,
  );
  if (!campaignId) return null;
  const campaign = await ctx.services.campaigns.get(ctx.actor.blocId, campaignId);
  return campaign.status === "ACTIVE" ? campaign : null;
}

export async function quickPhotoReport(ctx: Ctx): Promise<boolean> {
  const { payload } = ctx.event;
  if (payload.type !== "media") return false;
  const actor = unitActor(ctx);
  const campaign = await campaignOfQuickReport(ctx);
  // A group shares photos among people: one without a hashtag is asked about only
  // when it was sent to the bot (a reply to it); an open form took it before this.
  if (!campaign && ctx.event.chat.kind === "GROUP" && !ctx.event.toBot) return true;
  const { stored, refused } = await ctx.services.evidence.acceptAll(payload.files);
  if (stored.length === 0) throw refused ?? new AppError("not_an_image");
  if (campaign) {
    await savePhotos(ctx, campaign, stored, payload.caption, refused);
    return true;
  }
  // No hashtag and no campaign's announcement replied to: one question, not a lecture.
  const active = await ctx.services.campaigns.list(actor.blocId, ["ACTIVE"]);
  if (active.length === 0) throw new AppError("nothing_to_report");
  if (refused) ctx.reply(ctx.t(`errors:${refused.code}`, refused.params));
  const data: ReportData = { photos: stored, note: payload.caption };
  const only = active.length === 1 ? active[0] : undefined;
  await askWhereToFile(ctx, only ? { ...data, campaignId: only.id } : data);
  return true;
}

/** "Save these photos for <campaign>, deadline <date>?", or which campaign when several run. */
async function askWhereToFile(ctx: Ctx, data: ReportData): Promise<void> {
  const actor = unitActor(ctx);
  const count = data.photos.length;
  if (data.campaignId) {
    const campaign = await ctx.services.campaigns.get(actor.blocId, data.campaignId);
    const deadline = ctx.services.reports.currentDeadline(campaign);
    ctx.reply({
      text: ctx.t("reports:file_photos_here", {
        count,
        campaign: campaign.title,
        deadline: formatDateTime(deadline.dueAt, actor.timezone),
      }),
      choices: [
        { id: "yes", label: ctx.t("reports:file_yes") },
        { id: "no", label: ctx.t("reports:file_no") },
      ],
    });
    ctx.flow.goto(FILE_FLOW, "confirm", data);
    return;
  }
  const active = await ctx.services.campaigns.list(actor.blocId, ["ACTIVE"]);
  ctx.reply({
    text: ctx.t("reports:file_photos_where", { count }),
    choices: [
      ...active.map((c) => ({ id: `c${c.id}`, label: c.title })),
      { id: "no", label: ctx.t("reports:file_no") },
    ],
  });
  ctx.flow.goto(FILE_FLOW, "campaign", data);
}

async function fileInCampaign(ctx: Ctx, input: StepInput, data: ReportData): Promise<void> {
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "no") return notFiled(ctx);
  if (!choice.startsWith("c")) throw new AppError("pick_a_choice");
  const actor = unitActor(ctx);
  const campaign = await ctx.services.campaigns.get(actor.blocId, Number(choice.slice(1)));
  if (campaign.status !== "ACTIVE") throw new AppError("stale_choice");
  ctx.flow.end();
  await savePhotos(ctx, campaign, data.photos, data.note ?? "", null);
}

async function confirmFiling(ctx: Ctx, input: StepInput, data: ReportData): Promise<void> {
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "no") return notFiled(ctx);
  if (choice !== "yes") throw new AppError("pick_a_choice");
  const actor = unitActor(ctx);
  const campaign = await ctx.services.campaigns.get(actor.blocId, data.campaignId ?? 0);
  ctx.flow.end();
  await savePhotos(ctx, campaign, data.photos, data.note ?? "", null);
}

function notFiled(ctx: Ctx): void {
  ctx.flow.end();
  ctx.reply(ctx.t("reports:file_declined"));
}

/** Attaches checked photos to the unit's report for the campaign's current deadline. */
async function savePhotos(
  ctx: Ctx,
  campaign: CampaignSummary,
  photos: StoredPhoto[],
  caption: string,
  refused: AppError | null,
): Promise<void> {
  const actor = unitActor(ctx);
  const deadline = ctx.services.reports.currentDeadline(campaign);
  const saved = await ctx.services.reports.addEvidence({
    unitId: actor.unitId,
    deadlineId: deadline.id,
    memberId: actor.memberId,
    platform: ctx.event.chat.platform,
    photos,
    caption,
  });
  const lines = [
    ctx.t("reports:quick_saved", {
      count: saved.photosAdded,
      unit: actor.unitName,
      campaign: campaign.title,
      deadline: formatDateTime(deadline.dueAt, actor.timezone),
      status: ctx.t(`reports:status.${saved.status}`),
    }),
  ];
  if (saved.photosAlreadyThere)
    lines.push(ctx.t("reports:already_had", { count: saved.photosAlreadyThere }));
  if (refused) lines.push(ctx.t(`errors:${refused.code}`, refused.params));
  ctx.reply(lines.join("\n"));
}

/** The one question a photo without a campaign gets: which campaign, or whether this one. */
export const filePhotosFlow = {
  name: FILE_FLOW,
  steps: {
    campaign: keepingEarlyPhotos(fileInCampaign, askWhereToFile),
    confirm: keepingEarlyPhotos(confirmFiling, askWhereToFile),
  },
};
