import type { FeatureModule } from "../services.ts";
import { remindersFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = { name: "reminders", provides, chat: remindersFeature };
