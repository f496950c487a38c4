import type { Config } from "./config.ts";
import type { Clock } from "./core/clock.ts";
import type { Language } from "./core/roles.ts";
import type { Db } from "./db/client.ts";
import { BlocService } from "./features/blocs/service.ts";
import { MembershipService } from "./features/membership/service.ts";
import type { Translate, Translator } from "./i18n/translator.ts";

/** Every domain service, as handlers, the admin CLI and the scheduler share them. */
export interface Services {
  config: Config;
  /** A translator for a language other than the current speaker's. */
  translate(language: Language): Translate;
  blocs: BlocService;
  membership: MembershipService;
}

export function createServices(
  db: Db,
  config: Config,
  clock: Clock,
  translator: Translator,
): Services {
  return {
    config,
    translate: (language) => translator.for(language),
    blocs: new BlocService(db),
    membership: new MembershipService(db, clock, {
      maxFailedTries: config.INVITE_MAX_FAILED_TRIES,
      tryWindowMinutes: config.INVITE_TRY_WINDOW_MINUTES,
      defaultInviteDays: config.INVITE_DEFAULT_DAYS,
    }),
  };
}
