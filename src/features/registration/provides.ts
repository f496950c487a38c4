import type { ServiceDeps } from "../serviceDeps.ts";
import { RegistrationService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  registrations: new RegistrationService(
    deps.db,
    deps.clock,
    deps.outbox,
    deps.translator,
    deps.config.DEFAULT_LANGUAGE,
    () => deps.nudge(),
  ),
});
