import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { unitsFeature } from "./handlers.ts";
import { BlocService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({ blocs: new BlocService(deps.db, deps.clock) });
export const feature: FeatureModule = { name: "blocs", provides, chat: unitsFeature };
