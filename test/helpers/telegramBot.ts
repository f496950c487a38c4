import { TelegramAdapter } from "../../src/adapters/telegram/adapter.ts";
import type { ChatAdapter } from "../../src/core/adapter.ts";
import type { RateLimits } from "../../src/core/transport.ts";
import { type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { type RunningServer, startHttpServer } from "../../src/http/server.ts";
import { FakeTelegramApi, type FakeUser } from "../fakes/telegramApi.ts";
import { createTestApp, type TestApp } from "./testApp.ts";

export const WEBHOOK_SECRET = "s3cret_webhook-token";

export interface TelegramHarness {
  fake: FakeTelegramApi;
  t: TestApp;
  adapter: TelegramAdapter;
  http: RunningServer;
  invites: DemoInvite[];
  /** A user writes; resolves with the bot's new messages in that chat once it has answered. */
  say(chatId: number, user: FakeUser, text: string, expect?: number): Promise<string[]>;
  /** A user presses a button; resolves with the bot's new messages. */
  press(chatId: number, user: FakeUser, label: string, expect?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startTelegramBot(
  options: {
    webhook?: boolean;
    limits?: RateLimits;
    dir?: string;
    seed?: boolean;
    env?: Record<string, string>;
    /** Sets the fake up before the adapter first connects (faults on its start-up calls). */
    prepare?: (fake: FakeTelegramApi) => void;
  } = {},
): Promise<TelegramHarness> {
  const fake = await new FakeTelegramApi().start();
  options.prepare?.(fake);
  const env = {
    DELIVERY_BACKOFF_MS: "200",
    TELEGRAM_ALBUM_WAIT_MS: "500",
    INBOX_RETRY_BASE_MS: "100",
    ...options.env,
  };
  const t = await createTestApp(options.dir ? { dir: options.dir, env } : { env });
  // Real sends, retries and rate limits happen here: let the test clock run.
  t.clock.follow();
  const invites =
    options.seed === false
      ? []
      : await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  const adapters: ChatAdapter[] = [];
  const http = await startHttpServer({
    port: 0,
    host: "127.0.0.1",
    adapters,
    downloads: t.app.downloadRoute,
    receive: (source, raw) => t.app.pipeline.receive(source, raw),
    health: () => t.app.healthReport(),
    logger: t.app.deps.logger,
  });
  t.app.useLocalAddress(http.url);
  const adapter = new TelegramAdapter(t.app.port, {
    token: fake.token,
    apiRoot: fake.url,
    ...(options.webhook
      ? { webhookUrl: `${http.url}/webhooks/telegram`, webhookSecret: WEBHOOK_SECRET }
      : {}),
    pollTimeoutSeconds: 30,
    backoffCapMs: 1000,
    limits: options.limits ?? { perSecond: 1000, perChatIntervalMs: 0, perGroupPerMinute: 1000 },
  });
  adapters.push(adapter);
  t.app.useTelegramUsername(() => adapter.username);
  t.app.pipeline.register(adapter);
  t.app.pipeline.start();
  await adapter.start();
  await fake.until(
    () => fake.calls.some((c) => c.method === (options.webhook ? "setWebhook" : "getUpdates")),
    5000,
    "the adapter to connect",
  );

  const waitForReplies = async (chatId: number, before: number, expect: number) => {
    await fake.until(
      () => fake.textsIn(chatId).length >= before + expect,
      5000,
      `${expect} replies in ${chatId}`,
    );
    await new Promise((r) => setTimeout(r, 30));
    return fake.textsIn(chatId).slice(before);
  };
  return {
    fake,
    t,
    adapter,
    http,
    invites,
    say: async (chatId, user, text, expect = 1) => {
      const before = fake.textsIn(chatId).length;
      fake.text(chatId, user, text);
      return waitForReplies(chatId, before, expect);
    },
    press: async (chatId, user, label, expect = 1) => {
      const before = fake.textsIn(chatId).length;
      fake.press(chatId, user, label);
      return waitForReplies(chatId, before, expect);
    },
    close: async () => {
      await adapter.stop();
      await t.app.pipeline.stop();
      await http.close();
      await fake.stop();
      await t.close();
    },
  };
}
