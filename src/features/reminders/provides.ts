import type { Config } from "../../config.ts";
import type { ServiceDeps } from "../serviceDeps.ts";
import { ReminderService } from "./service.ts";
import { parseClockTime } from "./workingTime.ts";

function reminderSettings(config: Config) {
  const [start = "21:00", end = "07:00"] = config.QUIET_HOURS.split("-");
  return {
    quietStart: parseClockTime(start) ?? 21 * 60,
    quietEnd: parseClockTime(end) ?? 7 * 60,
    holidays: new Set(config.HOLIDAYS.split(",").map((d) => d.trim())),
    defaultLanguage: config.DEFAULT_LANGUAGE,
  };
}

export const provides = (deps: ServiceDeps) => ({
  reminders: new ReminderService(
    deps.db,
    deps.outbox,
    deps.clock,
    deps.translator,
    reminderSettings(deps.config),
    () => deps.nudge(),
  ),
});
