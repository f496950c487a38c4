import type { FeatureModule } from "../services.ts";
import { unitsFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = { name: "blocs", provides, chat: unitsFeature };
