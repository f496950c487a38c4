import type { Config } from "../config.ts";
import type { Clock } from "../core/clock.ts";
import type { CommandSpec, Feature } from "../core/commands.ts";
import type { Language } from "../core/roles.ts";
import type { Db } from "../db/client.ts";
import type { Outbox } from "../delivery/outbox.ts";
import type { SignedLinks } from "../http/signedLinks.ts";
import type { Translate, Translator } from "../i18n/translator.ts";
import type { PublicAddress } from "../services/publicAddress.ts";
import type { EvidenceStore } from "../storage/evidenceStore.ts";
import * as announcements from "./announcements/index.ts";
import * as blocs from "./blocs/index.ts";
import * as campaigns from "./campaigns/index.ts";
import * as documents from "./documents/index.ts";
import * as evidence from "./evidence/index.ts";
import * as exports from "./export/index.ts";
import * as help from "./help/index.ts";
import * as membership from "./membership/index.ts";
import * as progress from "./progress/index.ts";
import * as reminders from "./reminders/index.ts";
import * as reports from "./reports/index.ts";
import * as review from "./review/index.ts";
import * as web from "./web/index.ts";

/*
 * Every feature folder registers itself here with one line: the services it
 * provides and what it adds to the chat (commands, flows, a media handler). The
 * composition root folds this list; nothing else names a feature's parts.
 */

/** What a feature's services are built from: the process's infrastructure. */
export interface ServiceDeps {
  db: Db;
  config: Config;
  clock: Clock;
  translator: Translator;
  outbox: Outbox;
  evidenceStore: EvidenceStore;
  /** Signed, expiring links to files under DATA_DIR/exports (GET /downloads/…). */
  downloads: SignedLinks;
  /** Where people reach the bot's HTTP server (PUBLIC_BASE_URL, or the local address). */
  baseUrl(): string;
  /** Whether those links reach people, and which platforms get no photos without it. */
  publicAddress: PublicAddress;
  /** Wakes the outbox's sender after something was enqueued. */
  nudge(): void;
  /** The Telegram bot's username once connected ("" without Telegram): invite deep links. */
  telegramUsername(): string;
}

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
  ReturnType<typeof blocs.provides> &
  ReturnType<typeof membership.provides> &
  ReturnType<typeof campaigns.provides> &
  ReturnType<typeof reports.provides> &
  ReturnType<typeof evidence.provides> &
  ReturnType<typeof progress.provides> &
  ReturnType<typeof exports.provides> &
  ReturnType<typeof documents.provides> &
  ReturnType<typeof announcements.provides> &
  ReturnType<typeof reminders.provides> &
  ReturnType<typeof web.provides> &
  ReturnType<typeof review.provides>;

export interface FeatureModule {
  name: string;
  provides?: (deps: ServiceDeps) => object;
  chat?: Feature<Services>;
}

/** In the order /help lists their commands. */
export const FEATURES: readonly FeatureModule[] = [
  blocs.feature,
  membership.feature,
  campaigns.feature,
  reports.feature,
  evidence.feature,
  progress.feature,
  exports.feature,
  documents.feature,
  announcements.feature,
  reminders.feature,
  review.feature,
  web.feature,
  help.feature,
];

/** Builds every feature's services over the infrastructure. */
export function buildServices(deps: ServiceDeps, commandList: () => CommandSpec<Services>[]) {
  const core: CoreServices = {
    config: deps.config,
    translate: (language) => deps.translator.for(language),
    outbox: deps.outbox,
    evidenceStore: deps.evidenceStore,
    publicAddress: deps.publicAddress,
    commandList,
    telegramUsername: () => deps.telegramUsername(),
  };
  return Object.assign(core, ...FEATURES.map((f) => f.provides?.(deps) ?? {})) as Services;
}
