import type { FeatureModule } from "../services.ts";
import { ballotCommand, ballotLeadFlow } from "./leadHandlers.ts";
import { provides } from "./provides.ts";
import { voteCommand, voteFlow } from "./voteHandlers.ts";

export type { BallotResult, BallotView } from "./service.ts";
export { provides };

export const feature: FeatureModule = {
  name: "ballot",
  provides,
  chat: { commands: [ballotCommand, voteCommand], flows: [ballotLeadFlow, voteFlow] },
};
