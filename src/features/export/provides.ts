import { join } from "node:path";
import { rankingService } from "../review/ranking.ts";
import type { ServiceDeps } from "../serviceDeps.ts";
import { ExportService } from "./service.ts";

export const provides = (deps: ServiceDeps) => {
  const ranking = rankingService(deps);
  return {
    exports: new ExportService(
      deps.db,
      deps.evidenceStore,
      join(deps.config.DATA_DIR, "exports"),
      deps.downloads,
      async (campaign) =>
        campaign.criteriaScale.some((c) => c.maxScore !== null)
          ? ranking.campaign(campaign.blocId, campaign.id)
          : null,
    ),
  };
};
