import { HOUR, MINUTE } from "../../core/clock.ts";
import type { ServiceDeps } from "../serviceDeps.ts";
import { WebAccessService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  webAccess: new WebAccessService(deps.db, deps.clock, deps.baseUrl, {
    loginTtlMs: deps.config.WEB_LOGIN_TTL_MINUTES * MINUTE,
    idleMs: deps.config.WEB_SESSION_IDLE_HOURS * HOUR,
    maxAgeMs: deps.config.WEB_SESSION_MAX_DAYS * 24 * HOUR,
    maxLinks: 5,
  }),
});
