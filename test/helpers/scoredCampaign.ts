import type { App } from "../../src/app.ts";
import { DAY } from "../../src/core/clock.ts";
import type { CampaignDraftInput } from "../../src/features/campaigns/schema.ts";

/**
 * "Công sở văn minh 2026": a scored campaign of the demo bloc, one deadline a week
 * ahead, opened now; with `closeDemo` the demo campaign is closed first, so that
 * /report goes straight to it.
 */
export async function openScoredCampaign(
  app: App,
  now: Date,
  options: { closeDemo?: boolean } & Partial<CampaignDraftInput> = {},
): Promise<number> {
  const { closeDemo = true, ...draft } = options;
  if (closeDemo) await app.services.campaigns.close(1, 1, "operator");
  const at = now.getTime();
  const campaign = await app.services.campaigns.create(
    1,
    {
      title: "Công sở văn minh 2026",
      startsAt: new Date(at - DAY),
      endsAt: new Date(at + 60 * DAY),
      criteria: ["Trụ sở sạch đẹp | 10", "Cây xanh | 10"],
      deadlines: [new Date(at + 7 * DAY)],
      ...draft,
    },
    "operator",
  );
  await app.services.campaigns.activate(1, campaign.id, "operator");
  return campaign.id;
}
