import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { membershipFeature } from "./handlers.ts";
import { MembershipService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  membership: new MembershipService(deps.db, deps.clock, {
    maxFailedTries: deps.config.INVITE_MAX_FAILED_TRIES,
    tryWindowMinutes: deps.config.INVITE_TRY_WINDOW_MINUTES,
    defaultInviteDays: deps.config.INVITE_DEFAULT_DAYS,
  }),
});
export const feature: FeatureModule = { name: "membership", provides, chat: membershipFeature };
