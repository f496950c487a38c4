import type { ServiceDeps } from "../serviceDeps.ts";
import { CampaignEditService } from "./edit.ts";
import { CampaignNotices } from "./notices.ts";
import { CampaignService } from "./service.ts";

export const provides = (deps: ServiceDeps) => {
  const notices = new CampaignNotices(
    deps.outbox,
    deps.translator,
    deps.clock,
    deps.config.DEFAULT_LANGUAGE,
    () => deps.nudge(),
  );
  const campaigns = new CampaignService(deps.db, deps.clock, notices);
  return {
    campaigns,
    campaignEdits: new CampaignEditService(deps.db, deps.clock, campaigns, notices),
  };
};
