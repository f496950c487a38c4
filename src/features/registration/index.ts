import type { FeatureModule } from "../services.ts";
import { registrationFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export type { RegistrationRecord, RegistrationRoundView } from "./service.ts";
export { provides };

export const feature: FeatureModule = {
  name: "registration",
  provides,
  chat: registrationFeature,
};
