import type { FeatureModule } from "../services.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = { name: "export", provides };
