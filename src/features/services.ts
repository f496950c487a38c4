import type { Config } from "../config.ts";
import type { CommandSpec, Feature } from "../core/commands.ts";
import type { Language } from "../core/roles.ts";
import type { Outbox } from "../delivery/outbox.ts";
import type { Translate } from "../i18n/translator.ts";
import type { PublicAddress } from "../services/publicAddress.ts";
import type { EvidenceStore } from "../storage/evidenceStore.ts";
import type { provides as announcements } from "./announcements/provides.ts";
import type { provides as ballot } from "./ballot/provides.ts";
import type { provides as blocs } from "./blocs/provides.ts";
import type { provides as campaigns } from "./campaigns/provides.ts";
import type { provides as documents } from "./documents/provides.ts";
import type { provides as evidence } from "./evidence/provides.ts";
import type { provides as exports } from "./export/provides.ts";
import type { provides as membership } from "./membership/provides.ts";
import type { provides as progress } from "./progress/provides.ts";
import type { provides as registration } from "./registration/provides.ts";
import type { provides as reminders } from "./reminders/provides.ts";
import type { provides as reports } from "./reports/provides.ts";
import type { provides as review } from "./review/provides.ts";
import type { ServiceDeps } from "./serviceDeps.ts";
import type { provides as web } from "./web/provides.ts";

/*
 * The services a handler or a page may use, typed from what each feature provides.
 * Handlers import this file, never the registry: the registry imports the handlers.
 */

/** What every handler may use besides the features' services. */
export interface CoreServices {
  config: Config;
  /** A translator for a language other than the current speaker's. */
  translate(language: Language): Translate;
  outbox: Outbox;
  evidenceStore: EvidenceStore;
  /** Whether the bot's links reach people, and which platforms get no photos without it. */
  publicAddress: PublicAddress;
  /** Commands in the order features declared them, once each (for /help and menus). */
  commandList(): CommandSpec<Services>[];
  /** The Telegram bot's username once connected ("" without Telegram): invite deep links. */
  telegramUsername(): string;
}

export type Services = CoreServices &
  ReturnType<typeof blocs> &
  ReturnType<typeof membership> &
  ReturnType<typeof campaigns> &
  ReturnType<typeof reports> &
  ReturnType<typeof evidence> &
  ReturnType<typeof progress> &
  ReturnType<typeof exports> &
  ReturnType<typeof documents> &
  ReturnType<typeof announcements> &
  ReturnType<typeof reminders> &
  ReturnType<typeof web> &
  ReturnType<typeof review> &
  ReturnType<typeof registration> &
  ReturnType<typeof ballot>;

export interface FeatureModule {
  name: string;
  provides?: (deps: ServiceDeps) => object;
  chat?: Feature<Services>;
}
