import { commandsOf } from "../core/commands.ts";
import * as announcements from "./announcements/index.ts";
import * as ballot from "./ballot/index.ts";
import * as blocs from "./blocs/index.ts";
import * as campaigns from "./campaigns/index.ts";
import * as documents from "./documents/index.ts";
import * as evidence from "./evidence/index.ts";
import * as exports from "./export/index.ts";
import * as help from "./help/index.ts";
import * as membership from "./membership/index.ts";
import * as progress from "./progress/index.ts";
import * as registration from "./registration/index.ts";
import * as reminders from "./reminders/index.ts";
import * as reports from "./reports/index.ts";
import * as review from "./review/index.ts";
import type { ServiceDeps } from "./serviceDeps.ts";
import type { CoreServices, FeatureModule, Services } from "./services.ts";
import * as web from "./web/index.ts";

/*
 * Every feature folder registers itself here with one line: the services it
 * provides and what it adds to the chat (commands, flows, a media handler). The
 * composition root folds this list; nothing else names a feature's parts.
 */

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
  registration.feature,
  ballot.feature,
  web.feature,
  help.feature,
];

/** Builds every feature's services over the infrastructure. */
export function buildServices(deps: ServiceDeps) {
  // /help and the menus list what the features declare; no router is needed to know it.
  const commands = commandsOf(FEATURES.flatMap((f) => (f.chat ? [f.chat] : [])));
  const core: CoreServices = {
    config: deps.config,
    translate: (language) => deps.translator.for(language),
    outbox: deps.outbox,
    evidenceStore: deps.evidenceStore,
    publicAddress: deps.publicAddress,
    commandList: () => commands,
    telegramUsername: () => deps.telegramUsername(),
  };
  return Object.assign(core, ...FEATURES.map((f) => f.provides?.(deps) ?? {})) as Services;
}
