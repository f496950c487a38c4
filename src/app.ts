import type { Config } from "./config.ts";
import type { Clock } from "./core/clock.ts";
import { MINUTE } from "./core/clock.ts";
import { Router } from "./core/router.ts";
import type { Transport } from "./core/transport.ts";
import type { Db } from "./db/client.ts";
import { Sender } from "./delivery/sender.ts";
import { announcementsFeature } from "./features/announcements/handlers.ts";
import { AnnouncementProgress } from "./features/announcements/progress.ts";
import { campaignsFeature } from "./features/campaigns/handlers.ts";
import { createHelpFeature } from "./features/help/handlers.ts";
import { membershipFeature } from "./features/membership/handlers.ts";
import { identify } from "./features/membership/identity.ts";
import { progressFeature } from "./features/progress/handlers.ts";
import { remindersFeature } from "./features/reminders/handlers.ts";
import { reportsFeature } from "./features/reports/handlers.ts";
import { Translator } from "./i18n/translator.ts";
import type { Logger } from "./logger.ts";
import { ConversationStore } from "./services/conversationStore.ts";
import { ProcessedUpdates } from "./services/processedUpdates.ts";
import { createServices, type Services } from "./services.ts";

export interface AppDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
}

export interface App {
  router: Router<Services>;
  services: Services;
  translator: Translator;
  deps: AppDeps;
  /** Builds the outbox's sender over the adapters' transports (not started). */
  startDelivery(transports: Transport[]): { sender: Sender; progress: AnnouncementProgress };
}

/** Wires services, features and the router; every adapter talks to the result. */
export function createApp(deps: AppDeps): App {
  const translator = new Translator(deps.config.DEFAULT_LANGUAGE);
  // The sender is created after the app (it needs the adapters' transports); until
  // then a nudge has nobody to wake, and the sender's own polling picks work up.
  let nudge: () => void = () => {};
  const services = createServices(deps.db, deps.config, deps.clock, translator, {
    nudge: () => nudge(),
  });
  const features = [
    membershipFeature,
    campaignsFeature,
    reportsFeature,
    progressFeature,
    announcementsFeature,
    remindersFeature,
  ];
  const router: Router<Services> = new Router<Services>({
    features: [...features, createHelpFeature(() => router.listCommands())],
    services,
    identify: (event) => identify(deps.db, event),
    conversations: new ConversationStore(deps.db),
    updates: new ProcessedUpdates(deps.db),
    translator,
    defaultLanguage: deps.config.DEFAULT_LANGUAGE,
    conversationTtlMs: deps.config.CONVERSATION_TTL_MINUTES * MINUTE,
    clock: deps.clock,
    logger: deps.logger,
  });
  return {
    router,
    services,
    translator,
    deps,
    startDelivery: (transports) => {
      // The sender reports settled deliveries to the progress, which sends through the
      // sender's limits: bound late, since each needs the other.
      let settled: (announcementId: number) => void = () => {};
      const sender: Sender = new Sender(
        services.outbox,
        transports,
        services.evidenceStore,
        deps.clock,
        deps.logger,
        {
          concurrency: 4,
          maxAttempts: deps.config.DELIVERY_MAX_ATTEMPTS,
          backoffMs: deps.config.DELIVERY_BACKOFF_MS,
          idleMs: 1000,
          onBlocked: (platform, chatId) => services.announcements.markChatBlocked(platform, chatId),
          onSettled: (announcementId) => settled(announcementId),
        },
      );
      const progress = new AnnouncementProgress(
        services.announcements,
        transports,
        translator,
        deps.logger,
        (platform, chatId, isGroup) => sender.acquire(platform, chatId, isGroup),
      );
      settled = (announcementId) => progress.settled(announcementId);
      nudge = () => sender.nudge();
      return { sender, progress };
    },
  };
}
