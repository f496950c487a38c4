import type { FeatureModule } from "../services.ts";
import { exportFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = { name: "export", provides, chat: exportFeature };
