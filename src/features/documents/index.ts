import type { FeatureModule } from "../services.ts";
import { documentsFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = { name: "documents", provides, chat: documentsFeature };
