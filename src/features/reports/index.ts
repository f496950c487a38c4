import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { reportsFeature } from "./handlers.ts";
import { ReportService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  reports: new ReportService(deps.db, deps.clock),
});
export const feature: FeatureModule = { name: "reports", provides, chat: reportsFeature };
