import type { FeatureModule } from "../services.ts";
import { progressFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = { name: "progress", provides, chat: progressFeature };
