import { CampaignService } from "../campaigns/service.ts";
import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { reviewFeature } from "./handlers.ts";
import { RankingService } from "./ranking.ts";
import { ReviewService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  review: new ReviewService(
    deps.db,
    deps.clock,
    deps.outbox,
    deps.translator,
    deps.config.DEFAULT_LANGUAGE,
    () => deps.nudge(),
  ),
  ranking: new RankingService(deps.db, deps.clock, new CampaignService(deps.db, deps.clock)),
});
export const feature: FeatureModule = { name: "review", provides, chat: reviewFeature };
