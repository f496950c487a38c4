import { ConsoleChat } from "./adapters/console/adapter.ts";
import { CONSOLE_HELP, consoleFilesDir, runConsoleRepl } from "./adapters/console/repl.ts";
import { ConsoleTransport } from "./adapters/console/transport.ts";
import { TelegramAdapter } from "./adapters/telegram/adapter.ts";
import { ZaloAdapter } from "./adapters/zalo/adapter.ts";
import type { App } from "./app.ts";
import { bootstrap } from "./bootstrap.ts";
import { type Config, ConfigError, consoleChatEnabled, loadConfig } from "./config.ts";
import type { ChatAdapter } from "./core/adapter.ts";
import { DEMO_BLOC, DEMO_LEAD, seedDemoBloc } from "./features/blocs/demo.ts";
import { MediaLinks } from "./http/mediaLinks.ts";
import { startHttpServer } from "./http/server.ts";
import { createLogger } from "./logger.ts";
import { startScheduler } from "./scheduler/scheduler.ts";
import { pruneExpired } from "./services/housekeeping.ts";

/* Composition root: config, database, app, the configured adapters, sender, scheduler. */

const say = (line: string) => process.stdout.write(`${line}\n`);

function platformAdapters(app: App, config: Config, links: MediaLinks | null): ChatAdapter[] {
  const adapters: ChatAdapter[] = [];
  if (config.TELEGRAM_BOT_TOKEN) {
    adapters.push(
      new TelegramAdapter(app, {
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        webhookUrl: config.TELEGRAM_WEBHOOK_URL,
        webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
        albumQuietMs: config.TELEGRAM_ALBUM_WAIT_MS,
        limits: {
          perSecond: config.TELEGRAM_RATE_PER_SECOND,
          perChatIntervalMs: config.TELEGRAM_PER_CHAT_INTERVAL_MS,
          perGroupPerMinute: config.TELEGRAM_GROUP_PER_MINUTE,
        },
      }),
    );
  }
  if (config.ZALO_BOT_TOKEN) {
    adapters.push(
      new ZaloAdapter(app, {
        token: config.ZALO_BOT_TOKEN,
        apiRoot: config.ZALO_API_ROOT,
        webhookUrl: config.ZALO_WEBHOOK_URL,
        webhookSecret: config.ZALO_WEBHOOK_SECRET,
        pollTimeoutSeconds: config.ZALO_POLL_TIMEOUT_SECONDS,
        limits: {
          perSecond: config.ZALO_RATE_PER_SECOND,
          perChatIntervalMs: config.ZALO_PER_CHAT_INTERVAL_MS,
          perGroupPerMinute: 20,
        },
        mediaLinks: links,
        maxPhotoBytes: config.EVIDENCE_MAX_BYTES,
      }),
    );
  }
  return adapters;
}

async function seedOnFirstStart(app: App, config: Config): Promise<void> {
  const blocs = await app.services.blocs.listBlocs();
  if (blocs.length > 0 || config.SEED_DEMO !== "auto") return;
  const invites = await seedDemoBloc(app.services, config.DEFAULT_TIMEZONE, app.deps.clock.now());
  say(`Đã tạo khối mẫu / demo bloc created: ${DEMO_BLOC}`);
  say("Mã mời cán bộ đầu mối / focal-point invite codes (shown once):");
  for (const invite of invites) say(`  ${invite.code}  ${invite.unit}`);
  say("Đợt thi đua mẫu / demo campaign: #1, ảnh nhanh / quick photos with #xanhsachdep");
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const app = await bootstrap(config, logger);
  await seedOnFirstStart(app, config);

  const links = config.PUBLIC_BASE_URL
    ? new MediaLinks(
        config.PUBLIC_BASE_URL,
        config.MEDIA_LINK_TTL_SECONDS * 1000,
        app.deps.clock,
        config.MEDIA_SIGNING_SECRET,
      )
    : null;
  const adapters = platformAdapters(app, config, links);
  const consoleTransport = new ConsoleTransport(say);
  const { sender, progress } = app.startDelivery([
    consoleTransport,
    ...adapters.map((a) => a.transport),
  ]);
  sender.start();
  const schedulers = [
    startScheduler("* * * * *", () => app.services.reminders.tick(), logger),
    startScheduler("17 * * * *", () => pruneExpired(app.deps.db, app.deps.clock.now()), logger),
  ];
  const http =
    adapters.length > 0
      ? await startHttpServer({
          port: config.HTTP_PORT,
          host: config.HTTP_HOST,
          adapters,
          ...(links
            ? { media: { links, read: (key: string) => app.services.evidenceStore.get(key) } }
            : {}),
          checkDatabase: async () => (await app.deps.db.$queryRawUnsafe("SELECT 1")) !== null,
          logger,
        })
      : null;
  for (const adapter of adapters) await adapter.start();

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      for (const scheduler of schedulers) scheduler.stop();
      for (const adapter of adapters) await adapter.stop();
      progress.stop();
      await sender.stop();
      await http?.close();
      await app.deps.db.$disconnect();
    })();
    return stopping;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      logger.info({ signal }, "stopping");
      void stop().then(() => process.exit(0));
    });
  }

  if (!consoleChatEnabled(config)) {
    if (adapters.length === 0)
      logger.warn("no chat adapter enabled: set a platform token or CONSOLE_CHAT=on");
    return;
  }
  const interactive = Boolean(process.stdin.isTTY);
  say("");
  say(`thidua-bot console. You are "${DEMO_LEAD}" (the demo bloc's lead). Try /help, /progress.`);
  say('To act as an officer: ":as lan", then "/join <code>". Type :help for console commands.');
  if (interactive) say(CONSOLE_HELP);
  await runConsoleRepl(new ConsoleChat(app, DEMO_LEAD), {
    input: process.stdin,
    output: process.stdout,
    interactive,
    filesDir: consoleFilesDir(app),
  });
  // Let queued announcements reach the other console speakers before leaving.
  await progress.flush();
  await sender.drainOnce();
  if (adapters.length === 0) await stop();
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
