import { join } from "node:path";
import { loadOrCreateKey } from "../../storage/serverKey.ts";
import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { ballotCommand, ballotLeadFlow } from "./leadHandlers.ts";
import { BallotService } from "./service.ts";
import { voteCommand, voteFlow } from "./voteHandlers.ts";

export type { BallotResult, BallotView } from "./service.ts";

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

export const feature: FeatureModule = {
  name: "ballot",
  provides,
  chat: { commands: [ballotCommand, voteCommand], flows: [ballotLeadFlow, voteFlow] },
};
