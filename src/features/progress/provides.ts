import type { ServiceDeps } from "../serviceDeps.ts";
import { ProgressService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  progress: new ProgressService(deps.db, deps.clock),
});
