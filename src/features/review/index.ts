import type { FeatureModule } from "../services.ts";
import { reviewFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = { name: "review", provides, chat: reviewFeature };
