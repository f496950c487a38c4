import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { ExportService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  exports: new ExportService(deps.db, deps.evidenceStore),
});
export const feature: FeatureModule = { name: "export", provides };
