import type { ServiceDeps } from "../serviceDeps.ts";
import { BlocService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({ blocs: new BlocService(deps.db, deps.clock) });
