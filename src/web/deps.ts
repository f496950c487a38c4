import type { Clock } from "../core/clock.ts";
import type { Db } from "../db/client.ts";
import type { Services } from "../features/services.ts";
import type { Translator } from "../i18n/translator.ts";

export interface DashboardDeps {
  services: Services;
  db: Db;
  translator: Translator;
  clock: Clock;
  dataDir: string;
  /** Cookies marked Secure when the dashboard is reached over https. */
  secureCookies: boolean;
  /** The Telegram bot's username, for invite deep links ("" when Telegram is off). */
  telegramUsername: () => string;
  /** Checks Mini App sign-ins; unset when Telegram is off. */
  telegramToken?: string | undefined;
}
