import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { registrationFeature } from "./handlers.ts";
import { RegistrationService } from "./service.ts";

export type { RegistrationRecord, RegistrationRoundView } from "./service.ts";

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

export const feature: FeatureModule = {
  name: "registration",
  provides,
  chat: registrationFeature,
};
