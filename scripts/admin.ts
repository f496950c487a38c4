/* npm run admin -- <command>: the operator's commands; see ADMIN_USAGE. */
import { ADMIN_USAGE, AdminError, runAdminCommand, wantsJson } from "../src/admin/adminCommands.ts";
import { openApp } from "../src/app.ts";
import { ConfigError, loadConfig, secretsOf } from "../src/config.ts";
import { systemClock } from "../src/core/clock.ts";
import { createLogger } from "../src/logger.ts";

const argv = process.argv.slice(2);
const json = wantsJson(argv);

function fail(message: string, exitCode: number): never {
  if (json) console.log(JSON.stringify({ ok: false, error: message.split("\n")[0] }));
  else console.error(message);
  process.exit(exitCode);
}

if (argv.length === 0 || argv.includes("--help")) {
  console.log(ADMIN_USAGE);
  process.exit(argv.length === 0 ? 2 : 0);
}

try {
  const config = loadConfig();
  const app = await openApp(
    config,
    createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL, 2, secretsOf(config)),
    systemClock,
  );
  try {
    const result = await runAdminCommand(app, argv);
    console.log(json ? JSON.stringify({ ok: true, result: result.json }, null, 2) : result.text);
  } finally {
    await app.deps.db.$disconnect();
  }
} catch (error) {
  if (error instanceof AdminError) fail(error.message, error.exitCode);
  if (error instanceof ConfigError) fail(error.message, 1);
  if (
    error instanceof Error &&
    "code" in error &&
    String(error.code).startsWith("ERR_PARSE_ARGS")
  ) {
    fail(`${error.message}\n${ADMIN_USAGE}`, 2);
  }
  fail(error instanceof Error ? error.message : String(error), 1);
}
