import { join } from "node:path";
import { ConsoleChat } from "./adapters/console/adapter.ts";
import { ConsoleSource } from "./adapters/console/source.ts";
import type { TelegramAdapter } from "./adapters/telegram/adapter.ts";
import { ZaloAdapter } from "./adapters/zalo/adapter.ts";
import type { Config } from "./config.ts";
import type { ChatAdapter } from "./core/adapter.ts";
import type { Clock } from "./core/clock.ts";
import { MINUTE } from "./core/clock.ts";
import { type AdapterHealth, HealthBoard } from "./core/health.ts";
import type { AdapterPort } from "./core/port.ts";
import { type Language, languageSchema } from "./core/roles.ts";
import { Router } from "./core/router.ts";
import type { Transport } from "./core/transport.ts";
import { type Db, openDatabase } from "./db/client.ts";
import { applyMigrations } from "./db/schemaEngine.ts";
import { UnitOfWork } from "./db/unitOfWork.ts";
import { DeliveryEvents } from "./delivery/deliveryEvents.ts";
import { Outbox } from "./delivery/outbox.ts";
import { Pacing } from "./delivery/pacing.ts";
import { Sender } from "./delivery/sender.ts";
import { AnnouncementProgress } from "./features/announcements/progress.ts";
import { identify } from "./features/membership/identity.ts";
import { buildServices, FEATURES } from "./features/registry.ts";
import type { Services } from "./features/services.ts";
import { SignedLinks } from "./http/signedLinks.ts";
import { Translator } from "./i18n/translator.ts";
import { InboundPipeline } from "./inbound/pipeline.ts";
import { ChatLeases } from "./instances/chatLeases.ts";
import { Leases } from "./instances/leases.ts";
import { pollTurns } from "./instances/pollTurns.ts";
import { InstanceRegistry } from "./instances/registry.ts";
import type { Logger } from "./logger.ts";
import { BotMetrics } from "./observability/metrics.ts";
import { ConversationStore } from "./services/conversationStore.ts";
import { PublicAddress } from "./services/publicAddress.ts";
import { LocalEvidenceStore } from "./storage/evidenceStore.ts";
import { loadOrCreateKey } from "./storage/serverKey.ts";

/*
 * The composition root of the platform-neutral bot: infrastructure, every feature's
 * services (folded from the registry), the router, the inbound pipeline, the port
 * adapters talk through, and the outbox's sender. main.ts adds the process around it.
 */

export interface AppDeps {
  /** The database as services see it: inside a handler, the handler's transaction. */
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
}

export interface App {
  router: Router<Services>;
  /** Signed links this process makes: photos for Zalo (with a public address), downloads. */
  links: { media: SignedLinks | null; downloads: SignedLinks };
  /** What the HTTP server needs to serve export downloads (GET /downloads/…). */
  downloadRoute: { links: SignedLinks; dir: string; expiredText: string };
  /** Where this process's HTTP server listens, for links when PUBLIC_BASE_URL is unset. */
  useLocalAddress(url: string): void;
  /** The Telegram adapter's username, known once it connected (invite deep links). */
  useTelegramUsername(get: () => string): void;
  services: Services;
  translator: Translator;
  pipeline: InboundPipeline;
  port: AdapterPort;
  metrics: BotMetrics;
  /** The instances sharing a PostgreSQL database (null on SQLite: one process). */
  instances: InstanceRegistry | null;
  health: HealthBoard;
  /** Wakes delivery and carries what it did (src/delivery/deliveryEvents.ts). */
  events: DeliveryEvents;
  deps: AppDeps;
  /** Builds the outbox's sender over the adapters' transports (not started). */
  startDelivery(transports: Transport[]): { sender: Sender; progress: AnnouncementProgress };
  /** /healthz: per adapter state, last success and error, backlogs; ok false means 503. */
  healthReport(): Promise<HealthReport>;
  /** A console chat on this app (the terminal, and tests). */
  consoleChat(speaker?: string): ConsoleChat;
}

export interface HealthReport {
  ok: boolean;
  database: boolean;
  adapters: Record<
    string,
    AdapterHealth & { inbox: { waiting: number; failed: number }; outbox: number }
  >;
  /** The adapters failing for longer than HEALTH_FAILING_AFTER_SECONDS. */
  failing?: string[];
  /** What works less than it should (links without a public address); not a failure. */
  warnings?: string[];
  [key: string]: unknown;
}

export function createApp(base: AppDeps): App {
  const { config, clock, logger } = base;
  const unitOfWork = new UnitOfWork(base.db);
  const deps: AppDeps = { ...base, db: unitOfWork.db };
  const db = deps.db;
  const translator = new Translator(config.DEFAULT_LANGUAGE);
  const evidenceStore = new LocalEvidenceStore(join(config.DATA_DIR, "evidence"));
  const outbox = new Outbox(db, clock);
  // Delivery's events flow one way: features and the pipeline say work is queued, the
  // sender (created later, with the adapters' transports) listens; the sender says what
  // it did, and the listeners wired below and in startDelivery act on it.
  const events = new DeliveryEvents();
  const queued = () => void events.emit("queued");
  // Links are made from PUBLIC_BASE_URL, or from where this process's server listens.
  let localAddress = `http://127.0.0.1:${config.HTTP_PORT}`;
  const baseUrl = () => config.PUBLIC_BASE_URL ?? localAddress;
  const publicAddress = new PublicAddress(Boolean(config.PUBLIC_BASE_URL), () => localAddress);
  const linkKey = loadOrCreateKey(
    join(config.DATA_DIR, "keys", "link-signing.key"),
    config.MEDIA_SIGNING_SECRET,
  );
  const downloads = new SignedLinks(
    baseUrl,
    "downloads",
    config.DOWNLOAD_LINK_TTL_HOURS * 60 * MINUTE,
    clock,
    linkKey,
  );
  // Zalo fetches photos itself: only a public address will do.
  const media = config.PUBLIC_BASE_URL
    ? new SignedLinks(baseUrl, "media", config.MEDIA_LINK_TTL_SECONDS * 1000, clock, linkKey)
    : null;
  let telegramUsername: () => string = () => "";
  const services = buildServices({
    db,
    config,
    clock,
    translator,
    outbox,
    evidenceStore,
    downloads,
    baseUrl,
    publicAddress,
    // Woken once the unit's writes are committed: woken inside the transaction, the
    // sender (on PostgreSQL, another connection) would find nothing and sleep 1 s.
    nudge: () => unitOfWork.afterCommit(queued),
    telegramUsername: () => telegramUsername(),
  });
  const router = new Router<Services>({
    features: FEATURES.flatMap((f) => (f.chat ? [f.chat] : [])),
    services,
    identify: (event) => identify(db, event),
    conversations: new ConversationStore(db, clock),
    translator,
    defaultLanguage: config.DEFAULT_LANGUAGE,
    conversationTtlMs: config.CONVERSATION_TTL_MINUTES * MINUTE,
    clock,
  });
  events.on("blocked", (platform, chatId) =>
    services.announcements.markChatBlocked(platform, chatId),
  );

  // On PostgreSQL several instances may share the database: they divide polling,
  // chats and the platforms' limits through leases and heartbeats (src/instances/).
  const instances =
    config.database.provider === "postgresql" ? new InstanceRegistry(base.db, clock, logger) : null;
  const leases = instances ? new Leases(base.db, clock, instances.id, instances.alive) : null;
  const metrics = new BotMetrics({
    inbox: () => pipeline.backlog(),
    outbox: () => outbox.backlog(),
  });
  // One limiter per platform for replies, deliveries and live progress alike.
  const pacing = new Pacing(instances?.share, (platform) => metrics.rateLimited.inc({ platform }));
  const pipeline: InboundPipeline = new InboundPipeline({
    pacing,
    ...(leases ? { chatLeases: new ChatLeases(leases, logger) } : {}),
    metrics,
    db,
    unitOfWork,
    handle: (event, capabilities) => router.handle(event, capabilities),
    languageOf: async (ref) => {
      const account = await db.account.findUnique({
        where: {
          platform_platformUserId: { platform: ref.chat.platform, platformUserId: ref.userId },
        },
        select: { member: { select: { language: true } } },
      });
      const hint = ref.languageHint?.slice(0, 2);
      return languageSchema
        .catch(config.DEFAULT_LANGUAGE)
        .parse(account?.member.language ?? hint ?? config.DEFAULT_LANGUAGE);
    },
    text: (language, key, options) => translator.for(language)(key, options),
    tellLost: async (notice) => {
      const chat = await db.chat.findUnique({
        where: {
          platform_platformChatId: {
            platform: notice.chat.platform,
            platformChatId: notice.chat.platformChatId,
          },
        },
        select: { id: true, blocId: true },
      });
      await outbox.enqueueOnce({
        kind: "ALERT",
        dedupeKey: notice.key,
        // A stranger's chat belongs to no bloc yet; the delivery is still the chat's.
        blocId: chat?.blocId ?? 0,
        platform: notice.platform,
        platformChatId: notice.chat.platformChatId,
        chatKind: notice.chat.kind,
        chatId: chat?.id ?? null,
        text: notice.text,
      });
      queued();
    },
    clock,
    logger,
    options: {
      maxAttempts: config.INBOX_MAX_ATTEMPTS,
      retryBaseMs: config.INBOX_RETRY_BASE_MS,
      retryMaxMs: config.INBOX_RETRY_MAX_MS,
      albumQuietMs: config.TELEGRAM_ALBUM_WAIT_MS,
      burstMaxMs: config.PHOTO_BURST_MAX_MS,
      downloadGiveUpMs: config.PHOTO_DOWNLOAD_GIVE_UP_MS,
      outageWaitMs: config.DELIVERY_RETRY_HOURS * 60 * MINUTE,
      concurrency: 8,
      maxDownloadBytes: config.EVIDENCE_MAX_BYTES,
    },
  });

  const consoleSource = new ConsoleSource();

  // When a platform answers again after failing, its waiting deliveries need not sit
  // out their back-off: the outage is over.
  const health = new HealthBoard(logger, Date.now, (platform) => {
    void events.emit("platformBack", platform);
  });
  events.on("platformBack", (platform) =>
    outbox
      .retryWaitingNow(platform)
      .then(queued)
      .catch((error: unknown) => logger.warn({ err: error }, "retry after outage failed")),
  );
  const port: AdapterPort = {
    receive: (source, raw) => pipeline.receive(source, raw),
    status: (platform) => health.status(platform),
    chatMoved: (platform, from, to) => services.membership.rekeyChat(platform, from, to),
    chatLeft: (platform, chatId) => services.announcements.markChatBlocked(platform, chatId),
    commandMenu: (language) => {
      const t = translator.for(language);
      return router
        .listCommands()
        .filter((c) => !c.strangersOnly || c.names[0] === "start")
        .map((c) => ({ command: c.names[0] ?? "", description: t(`help:${c.helpKey}`) }));
    },
    text: (language, key) => translator.for(language)(key),
    defaultLanguage: config.DEFAULT_LANGUAGE,
    media: evidenceStore,
    pollTurn: leases ? pollTurns(leases, logger) : async (_platform, signal) => signal,
  };

  return {
    instances,
    metrics,
    links: { media, downloads },
    downloadRoute: {
      links: downloads,
      dir: join(config.DATA_DIR, "exports"),
      // The browser that opens an expired link has no member behind it: both languages.
      expiredText: (["vi", "en"] as Language[])
        .map((l) => translator.for(l)("export:link_gone"))
        .join("\n"),
    },
    useLocalAddress: (url) => {
      localAddress = url;
    },
    useTelegramUsername: (get) => {
      telegramUsername = get;
    },
    router,
    services,
    translator,
    pipeline,
    port,
    health,
    events,
    deps,
    consoleChat: (speaker) => {
      // The console is an inbound source like the platforms: its lines need the loop.
      pipeline.register(consoleSource);
      pipeline.start();
      return new ConsoleChat(pipeline, consoleSource, clock, speaker);
    },
    healthReport: async () => {
      const database = await db
        .$queryRawUnsafe("SELECT 1")
        .then(() => true)
        .catch(() => false);
      const adapters = health.snapshot();
      const [inbox, backlog] = database
        ? await Promise.all([pipeline.backlog(), outbox.backlog()])
        : [{}, {}];
      const failing = Object.entries(adapters)
        .filter(([, a]) => a.failingForSeconds > config.HEALTH_FAILING_AFTER_SECONDS)
        .map(([platform]) => platform);
      const warnings = publicAddress.warnings();
      if (config.ZALO_BOT_TOKEN && !config.ZALO_WEBHOOK_URL) {
        // Zalo's getUpdates has no acknowledgement: what it handed to a process killed
        // before storing it is gone. A webhook is answered only once the update is stored.
        warnings.push(
          "zalo polls (no ZALO_WEBHOOK_URL): an update handed over at the instant the bot is killed can be lost; webhook mode loses nothing",
        );
      }
      return {
        ok: database && failing.length === 0,
        database,
        adapters: Object.fromEntries(
          Object.entries(adapters).map(([platform, a]) => [
            platform,
            {
              ...a,
              inbox: (inbox as Record<string, { waiting: number; failed: number }>)[platform] ?? {
                waiting: 0,
                failed: 0,
              },
              outbox: (backlog as Record<string, number>)[platform] ?? 0,
            },
          ]),
        ),
        ...(failing.length > 0 ? { failing } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    },
    startDelivery: (transports) => {
      publicAddress.serve(transports);
      const sender = new Sender(outbox, transports, clock, logger, {
        concurrency: 4,
        retryForMs: config.DELIVERY_RETRY_HOURS * 60 * MINUTE,
        backoffMs: config.DELIVERY_BACKOFF_MS,
        backoffMaxMs: config.DELIVERY_BACKOFF_MAX_MS,
        leaseMs: config.DELIVERY_LEASE_MS,
        // Woken at once by what this process queues; the idle pass is for retries and
        // other processes' rows (the pipeline's scan and this halve the idle CPU at 2 s).
        idleMs: 2000,
        events,
        ...(instances ? { share: instances.share } : {}),
        pacing,
        metrics,
      });
      // The progress message sends through the same limits as the sender, and hears
      // from it which deliveries settled.
      const progress = new AnnouncementProgress(
        services.announcements,
        transports,
        translator,
        logger,
        (transport, target, send) =>
          pacing.send(transport.platform, transport.limits, target, send),
        clock,
      );
      events.on("settled", (announcementId) => progress.settled(announcementId));
      events.on("tick", () => progress.recover());
      return { sender, progress };
    },
  };
}

export interface Adapters {
  all: ChatAdapter[];
  /** Present when a Telegram token is set (the Mini App's deep links need its @username). */
  telegram?: TelegramAdapter;
}

/**
 * The platform adapters the configuration asks for. grammY is loaded only when a
 * Telegram token is set: most blocs are on Zalo alone, and grammY with its HTTP client
 * is the largest thing the process would otherwise load at start.
 */
export async function createAdapters(app: App): Promise<Adapters> {
  const links = app.links.media;
  const config = app.deps.config;
  const adapters: ChatAdapter[] = [];
  let telegram: TelegramAdapter | undefined;
  if (config.TELEGRAM_BOT_TOKEN) {
    const { TelegramAdapter } = await import("./adapters/telegram/adapter.ts");
    telegram = new TelegramAdapter(app.port, {
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      webhookUrl: config.TELEGRAM_WEBHOOK_URL,
      webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
      pollTimeoutSeconds: config.TELEGRAM_POLL_TIMEOUT_SECONDS,
      backoffCapMs: config.POLL_BACKOFF_CAP_MS,
      limits: {
        perSecond: config.TELEGRAM_RATE_PER_SECOND,
        perChatIntervalMs: config.TELEGRAM_PER_CHAT_INTERVAL_MS,
        perChatBurst: config.TELEGRAM_PER_CHAT_BURST,
        perGroupPerMinute: config.TELEGRAM_GROUP_PER_MINUTE,
      },
    });
    adapters.push(telegram);
  }
  if (config.ZALO_BOT_TOKEN) {
    adapters.push(
      new ZaloAdapter(app.port, {
        token: config.ZALO_BOT_TOKEN,
        apiRoot: config.ZALO_API_ROOT,
        webhookUrl: config.ZALO_WEBHOOK_URL,
        webhookSecret: config.ZALO_WEBHOOK_SECRET,
        pollTimeoutSeconds: config.ZALO_POLL_TIMEOUT_SECONDS,
        backoffCapMs: config.POLL_BACKOFF_CAP_MS,
        limits: {
          perSecond: config.ZALO_RATE_PER_SECOND,
          perChatIntervalMs: config.ZALO_PER_CHAT_INTERVAL_MS,
          perChatBurst: config.ZALO_PER_CHAT_BURST,
          perGroupPerMinute: 20,
        },
        mediaLinks: links,
        maxPhotoBytes: config.EVIDENCE_MAX_BYTES,
        photoBurstMs: config.ZALO_PHOTO_BURST_MS,
      }),
    );
  }
  for (const adapter of adapters) app.pipeline.register(adapter);
  return telegram ? { all: adapters, telegram } : { all: adapters };
}

/** Applies pending migrations (none: no engine is loaded), opens the database, wires the app. */
export async function openApp(config: Config, logger: Logger, clock: Clock): Promise<App> {
  const applied = await applyMigrations({ target: config.database });
  if (applied.length > 0) logger.info({ applied }, "database migrated");
  const db = await openDatabase(config.database);
  return createApp({ db, config, clock, logger });
}
