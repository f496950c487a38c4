import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CONSOLE_HELP, consoleFilesDir, runConsoleRepl } from "./adapters/console/repl.ts";
import { ConsoleTransport } from "./adapters/console/transport.ts";
import { type App, createAdapters, openApp } from "./app.ts";
import {
  type Config,
  ConfigError,
  consoleChatEnabled,
  httpHost,
  loadConfig,
  secretsOf,
} from "./config.ts";
import { HOUR, MINUTE, systemClock } from "./core/clock.ts";
import { armCrashPoint } from "./core/crashPoints.ts";
import { acquireInstanceLock, InstanceLockError } from "./db/instanceLock.ts";
import { DEMO_BLOC, DEMO_LEAD, seedDemoBloc } from "./features/blocs/demo.ts";
import { type HttpServerOptions, startHttpServer } from "./http/server.ts";
import { createLogger } from "./logger.ts";
import { startScheduler } from "./scheduler/scheduler.ts";
import { pruneExpired } from "./services/housekeeping.ts";
import { reanchorStoredTimes } from "./services/timeAnchors.ts";
import { dashboardRoutes } from "./web/routes.tsx";

/* The process around the app: config, lock, migrations, adapters, HTTP, timers, signals. */

const say = (line: string) => process.stdout.write(`${line}\n`);

/** A stop never takes longer than this, whatever the platforms do. */
const STOP_DEADLINE_MS = 4500;

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
  armCrashPoint(config.TEST_CRASH_AT);
  const logger = createLogger(config.LOG_LEVEL, 2, secretsOf(config));
  mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
  chmodSync(config.DATA_DIR, 0o700);
  // One process per SQLite file; on PostgreSQL several share the work (leases).
  if (config.database.provider === "sqlite") {
    const lock = acquireInstanceLock(config.database.file);
    process.once("exit", () => lock.release());
  }
  const app = await openApp(config, logger, systemClock);
  const db = app.deps.db;
  await app.instances?.start();
  app.metrics.collectProcessMetrics();
  await seedOnFirstStart(app, config);

  // Times stored before a backward step of the clock (a retry, a lease) are brought
  // back within their bounds: at start (the clock may have moved while the bot was
  // down) and after each step seen while it runs.
  const reanchor = async () => {
    const moved = await reanchorStoredTimes(app.deps.db, app.deps.clock.now(), {
      deliveryMs: config.DELIVERY_BACKOFF_MAX_MS + 10 * MINUTE,
      inboundMs: config.INBOX_RETRY_MAX_MS + MINUTE,
      leaseMs: 5 * MINUTE,
    });
    if (Object.values(moved).some((n) => n > 0)) logger.warn({ moved }, "stored times re-anchored");
  };
  await reanchor();

  const { all: adapters, telegram } = await createAdapters(app);
  app.useTelegramUsername(() => telegram?.username ?? "");
  const { sender, progress } = app.startDelivery([
    new ConsoleTransport(say),
    ...adapters.map((a) => a.transport),
  ]);
  sender.start();
  app.pipeline.start();
  const schedulers = [
    startScheduler(
      { name: "reminders", periodMs: MINUTE, onStep: reanchor },
      () => app.metrics.timeTick(() => app.services.reminders.tick()),
      logger,
    ),
    startScheduler(
      { name: "housekeeping", periodMs: HOUR, offsetMs: 17 * MINUTE },
      () => pruneExpired(app.deps.db, app.deps.clock.now(), join(config.DATA_DIR, "exports")),
      logger,
    ),
    // Photos filed before fingerprints existed; once done, a run is one short query.
    startScheduler(
      { name: "fingerprints", periodMs: 10 * MINUTE, offsetMs: 3 * MINUTE },
      () => app.services.fingerprintBackfill.run(),
      logger,
    ),
  ];
  // Also in console mode, where it is bound to this machine only (HTTP_HOST's default).
  const httpOptions: HttpServerOptions = {
    port: config.HTTP_PORT,
    host: httpHost(config),
    adapters,
    ...(app.links.media
      ? {
          media: {
            links: app.links.media,
            read: (key: string) => app.services.evidenceStore.get(key),
          },
        }
      : {}),
    downloads: app.downloadRoute,
    receive: (adapter, raw) => app.pipeline.receive(adapter, raw),
    metrics: {
      render: () => app.metrics.render(),
      contentType: app.metrics.contentType,
      ...(config.METRICS_TOKEN ? { token: config.METRICS_TOKEN } : {}),
    },
    health: () => app.healthReport(),
    connections: {
      total: config.HTTP_MAX_CONNECTIONS,
      perAddress: config.HTTP_MAX_CONNECTIONS_PER_ADDRESS,
    },
    routes: dashboardRoutes({
      services: app.services,
      db,
      translator: app.translator,
      clock: app.deps.clock,
      dataDir: config.DATA_DIR,
      secureCookies: config.PUBLIC_BASE_URL?.startsWith("https:") ?? false,
      telegramToken: config.TELEGRAM_BOT_TOKEN,
      telegramUsername: () => telegram?.username ?? "",
    }),
    logger,
  };
  const http = await startHttpServer(httpOptions).catch(async (error: unknown) => {
    // On a desktop the port may be taken by something else: the console takes any free one.
    const busy = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
    if (!busy || !consoleChatEnabled(config)) throw error;
    logger.warn({ port: config.HTTP_PORT }, "HTTP port in use: using a free one");
    return startHttpServer({ ...httpOptions, port: 0 });
  });
  app.useLocalAddress(http.url);
  // Said once at start as well as in /healthz: an operator reads one or the other.
  for (const warning of app.services.publicAddress.warnings()) logger.warn(warning);
  for (const adapter of adapters) await adapter.start();

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      // First: a photo being decoded would hold its chat's handling, and the exit, until
      // libvips is done; killed, it is handled again after the restart.
      app.services.fingerprintBackfill.stop();
      app.services.imageDecoders.stop();
      for (const scheduler of schedulers) scheduler.stop();
      await Promise.all(adapters.map((a) => a.stop()));
      await app.pipeline.stop();
      progress.stop();
      await sender.stop(2000);
      await app.instances?.stop();
      await http.close();
      await db.$disconnect();
    })();
    return stopping;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      logger.info({ signal }, "stopping");
      // Whatever hangs, the process is gone in time; unfinished work is in the database.
      setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
      void stop()
        .catch((error: unknown) => logger.error({ err: error }, "stop failed"))
        .then(() => process.exit(0));
    });
  }

  if (!consoleChatEnabled(config)) {
    if (adapters.length === 0)
      logger.warn("no chat adapter enabled: set a platform token or CONSOLE_CHAT=on");
    return;
  }
  const interactive = Boolean(process.stdin.isTTY);
  say("");
  say(
    `thidua-bot console. You are "${DEMO_LEAD}" (the demo bloc's lead). Try /help, /progress, /web.`,
  );
  say('To act as an officer: ":as lan", then "/join <code>". Type :help for console commands.');
  if (interactive) say(CONSOLE_HELP);
  await runConsoleRepl(app.consoleChat(DEMO_LEAD), {
    input: process.stdin,
    output: process.stdout,
    interactive,
    filesDir: consoleFilesDir(config.DATA_DIR),
  });
  // Let queued announcements reach the other console speakers before leaving.
  await progress.flush();
  await sender.drainOnce();
  if (adapters.length === 0) {
    await stop();
    process.exit(0);
  }
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof InstanceLockError;
  console.error(known ? (error as Error).message : error);
  process.exit(1);
});
