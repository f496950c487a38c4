import type { FeatureModule } from "../services.ts";
import { reportsFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = { name: "reports", provides, chat: reportsFeature };
