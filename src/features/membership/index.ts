import type { FeatureModule } from "../services.ts";
import { membershipFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = { name: "membership", provides, chat: membershipFeature };
