import type { FeatureModule } from "../services.ts";
import { campaignsFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = { name: "campaigns", provides, chat: campaignsFeature };
