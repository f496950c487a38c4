import { join } from "node:path";
import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { ExportService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  exports: new ExportService(
    deps.db,
    deps.evidenceStore,
    join(deps.config.DATA_DIR, "exports"),
    deps.downloads,
  ),
});
export const feature: FeatureModule = { name: "export", provides };
