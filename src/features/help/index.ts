import type { FeatureModule } from "../registry.ts";
import { helpFeature } from "./handlers.ts";

export const feature: FeatureModule = { name: "help", chat: helpFeature };
