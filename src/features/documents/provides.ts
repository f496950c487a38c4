import { join } from "node:path";
import { CampaignService } from "../campaigns/service.ts";
import { rankingService } from "../review/ranking.ts";
import type { ServiceDeps } from "../serviceDeps.ts";
import { DocumentService } from "./service.ts";
import { yearFactsOf } from "./yearFacts.ts";

export const provides = (deps: ServiceDeps) => ({
  documents: new DocumentService(
    deps.db,
    deps.clock,
    new CampaignService(deps.db, deps.clock),
    rankingService(deps),
    yearFactsOf(deps),
    join(deps.config.DATA_DIR, "exports"),
    deps.downloads,
  ),
});
