import type { ServiceDeps } from "../serviceDeps.ts";
import { PublicationService } from "./publication.ts";
import { rankingService } from "./ranking.ts";
import { ReviewService } from "./service.ts";

export const provides = (deps: ServiceDeps) => {
  const ranking = rankingService(deps);
  return {
    review: new ReviewService(
      deps.db,
      deps.clock,
      deps.outbox,
      deps.translator,
      deps.config.DEFAULT_LANGUAGE,
      () => deps.nudge(),
    ),
    ranking,
    publication: new PublicationService(
      deps.db,
      deps.clock,
      deps.outbox,
      deps.translator,
      deps.config.DEFAULT_LANGUAGE,
      ranking,
      () => deps.nudge(),
    ),
  };
};
