import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConsoleChat } from "../../src/adapters/console/adapter.ts";
import { ConsoleTransport } from "../../src/adapters/console/transport.ts";
import { type App, createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { type Clock, ManualClock } from "../../src/core/clock.ts";
import { openDatabase } from "../../src/db/client.ts";
import { createLogger } from "../../src/logger.ts";
import { databaseUrlOf, dropDatabaseOf, freshDatabase } from "./testDatabase.ts";

export interface TestApp {
  app: App;
  chat: ConsoleChat;
  /** What the outbox delivered to console chats. */
  transport: ConsoleTransport;
  /** Sends everything the outbox holds that is due, as the sender would. */
  deliver(): Promise<void>;
  clock: ManualClock;
  dir: string;
  /** A second app on the same database, as after a restart. */
  restart(): Promise<TestApp>;
  close(): Promise<void>;
}

/**
 * The whole bot on a real database (a SQLite file in a temporary folder, or a
 * PostgreSQL database of its own: testDatabase.ts), driven through the console.
 */
export async function createTestApp(
  options: { env?: Record<string, string>; clock?: ManualClock; dir?: string } = {},
): Promise<TestApp> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "thidua-test-"));
  const databaseUrl = options.dir ? databaseUrlOf(dir) : await freshDatabase(dir);
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dir,
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const clock = options.clock ?? new ManualClock("2026-03-02T02:00:00Z");
  const db = await openDatabase(config.database);
  const app = createApp({
    db,
    config,
    clock: clock as Clock,
    logger: createLogger(process.env.TEST_LOG ?? "silent"),
  });
  const transport = new ConsoleTransport();
  const { sender, progress } = app.startDelivery([transport]);
  const testApp: TestApp = {
    app,
    chat: app.consoleChat(),
    transport,
    deliver: async () => {
      for (let pass = 0; pass < 100; pass++) {
        await sender.drainOnce();
        await progress.flush();
        if (!(await app.services.outbox.hasDue())) return;
      }
      throw new Error("the outbox did not drain in 100 passes");
    },
    clock,
    dir,
    restart: async () => {
      await app.pipeline.stop();
      await app.instances?.stop();
      await db.$disconnect();
      return createTestApp({ env: options.env, clock, dir });
    },
    close: async () => {
      await app.pipeline.stop();
      await app.instances?.stop();
      await db.$disconnect();
      await dropDatabaseOf(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return testApp;
}

/** The text of every reply, joined, for assertions on what the user reads. */
export const texts = (replies: { text: string }[]) => replies.map((r) => r.text).join("\n");
