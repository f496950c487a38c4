import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { campaignsFeature } from "./handlers.ts";
import { CampaignService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  campaigns: new CampaignService(deps.db, deps.clock),
});
export const feature: FeatureModule = { name: "campaigns", provides, chat: campaignsFeature };
