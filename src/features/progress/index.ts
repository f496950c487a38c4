import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { progressFeature } from "./handlers.ts";
import { ProgressService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  progress: new ProgressService(deps.db, deps.clock),
});
export const feature: FeatureModule = { name: "progress", provides, chat: progressFeature };
