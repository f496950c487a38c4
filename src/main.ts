import { ConsoleChat } from "./adapters/console/adapter.ts";
import { CONSOLE_HELP, consoleFilesDir, runConsoleRepl } from "./adapters/console/repl.ts";
import { ConsoleTransport } from "./adapters/console/transport.ts";
import { bootstrap } from "./bootstrap.ts";
import { ConfigError, consoleChatEnabled, loadConfig } from "./config.ts";
import { DEMO_BLOC, DEMO_LEAD, seedDemoBloc } from "./features/blocs/demo.ts";
import { createLogger } from "./logger.ts";
import { startScheduler } from "./scheduler/scheduler.ts";

/* Composition root: config, database, app, then whichever adapters are configured. */

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const app = await bootstrap(config, logger);
  const say = (line: string) => process.stdout.write(`${line}\n`);

  const blocs = await app.services.blocs.listBlocs();
  if (blocs.length === 0 && config.SEED_DEMO === "auto") {
    const invites = await seedDemoBloc(app.services, config.DEFAULT_TIMEZONE, app.deps.clock.now());
    say(`Đã tạo khối mẫu / demo bloc created: ${DEMO_BLOC}`);
    say("Mã mời cán bộ đầu mối / focal-point invite codes (shown once):");
    for (const invite of invites) say(`  ${invite.code}  ${invite.unit}`);
    say("Đợt thi đua mẫu / demo campaign: #1, ảnh nhanh / quick photos with #xanhsachdep");
  }

  const transports = [new ConsoleTransport(say)];
  const { sender, progress } = app.startDelivery(transports);
  sender.start();
  const scheduler = startScheduler(() => app.services.reminders.tick(), logger);

  const stop = async () => {
    scheduler.stop();
    progress.stop();
    await sender.stop();
    await app.deps.db.$disconnect();
  };
  const shutdown = async (signal: string) => {
    logger.info({ signal }, "stopping");
    await stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));

  if (!consoleChatEnabled(config)) {
    logger.warn(
      "no chat adapter enabled: set TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN, or CONSOLE_CHAT=on",
    );
    return;
  }
  const interactive = Boolean(process.stdin.isTTY);
  say("");
  say(`thidua-bot console. You are "${DEMO_LEAD}" (the demo bloc's lead). Try /help, /invite.`);
  say('To act as an officer: ":as lan", then "/join <code>". Type :help for console commands.');
  if (interactive) say(CONSOLE_HELP);
  const chat = new ConsoleChat(app, DEMO_LEAD);
  await runConsoleRepl(chat, {
    input: process.stdin,
    output: process.stdout,
    interactive,
    filesDir: consoleFilesDir(app),
  });
  // Let queued announcements reach the other console speakers before leaving.
  await progress.flush();
  await sender.drainOnce();
  await stop();
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
