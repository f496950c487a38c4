import { join } from "node:path";
import { loadOrCreateKey } from "../../storage/serverKey.ts";
import type { ServiceDeps } from "../serviceDeps.ts";
import { BallotService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  ballots: new BallotService(
    deps.db,
    deps.clock,
    deps.outbox,
    deps.translator,
    deps.config.DEFAULT_LANGUAGE,
    loadOrCreateKey(join(deps.config.DATA_DIR, "keys", "ballot.key"), deps.config.BALLOT_KEY),
    () => deps.nudge(),
  ),
});
