import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { reviewFeature } from "./handlers.ts";
import { rankingService } from "./ranking.ts";
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
  ranking: rankingService(deps),
});
export const feature: FeatureModule = { name: "review", provides, chat: reviewFeature };
