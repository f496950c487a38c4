import type { FeatureModule } from "../services.ts";
import { announcementsFeature } from "./handlers.ts";
import { provides } from "./provides.ts";

export { provides };
export const feature: FeatureModule = {
  name: "announcements",
  provides,
  chat: announcementsFeature,
};
