import type { FeatureModule } from "../services.ts";
import { helpFeature } from "./handlers.ts";

export const feature: FeatureModule = { name: "help", chat: helpFeature };
