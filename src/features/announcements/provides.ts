import type { ServiceDeps } from "../serviceDeps.ts";
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
