import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { BlocService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({ blocs: new BlocService(deps.db) });
export const feature: FeatureModule = { name: "blocs", provides };
