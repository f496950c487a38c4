import type { FeatureModule } from "../services.ts";
import { webFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = { name: "web", provides, chat: webFeature };
