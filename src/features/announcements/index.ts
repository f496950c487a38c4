import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { announcementsFeature } from "./handlers.ts";
import { AnnouncementService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  announcements: new AnnouncementService(
    deps.db,
    deps.outbox,
    deps.clock,
    deps.config.DEFAULT_LANGUAGE,
    () => deps.nudge(),
  ),
});
export const feature: FeatureModule = {
  name: "announcements",
  provides,
  chat: announcementsFeature,
};
