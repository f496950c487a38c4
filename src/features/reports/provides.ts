import type { ServiceDeps } from "../serviceDeps.ts";
import { ReportService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  reports: new ReportService(deps.db, deps.clock),
});
