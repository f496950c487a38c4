import { ZaloAdapter } from "../../src/adapters/zalo/adapter.ts";
import type { ChatAdapter } from "../../src/core/adapter.ts";
import { type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { type RunningServer, startHttpServer } from "../../src/http/server.ts";
import { SignedLinks } from "../../src/http/signedLinks.ts";
import { FakeZaloApi } from "../fakes/zaloApi.ts";
import { createTestApp, type TestApp } from "./testApp.ts";

export const ZALO_SECRET = "zalo-webhook-secret";

export interface ZaloHarness {
  fake: FakeZaloApi;
  t: TestApp;
  adapter: ZaloAdapter;
  http: RunningServer;
  invites: DemoInvite[];
  /** A user writes; resolves with the bot's new messages to them. */
  say(userId: string, text: string, expect?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startZaloBot(
  options: {
    webhook?: boolean;
    publicMedia?: boolean;
    leftoverWebhook?: boolean;
    env?: Record<string, string>;
    /** What the fake's getMe says about groups. */
    canJoinGroups?: boolean;
    /** The first wait of a photo burst: 300 ms (quick journeys) unless a test needs the bot's own. */
    photoBurstMs?: number;
  } = {},
): Promise<ZaloHarness> {
  const fake = await new FakeZaloApi().start();
  fake.canJoinGroups = options.canJoinGroups ?? false;
  // A webhook from an earlier deployment, which silently holds updates back from polling.
  if (options.leftoverWebhook)
    fake.webhook = { url: "https://old.example/webhooks/zalo", secret: "old-secret" };
  // Quick retries, so a journey through every try takes seconds.
  const t = await createTestApp({
    env: {
      DELIVERY_BACKOFF_MS: "100",
      INBOX_RETRY_BASE_MS: "100",
      INBOX_MAX_ATTEMPTS: "4",
      // The deployment has a public address; the fake fetches photos from this test's own server.
      ...(options.publicMedia ? { PUBLIC_BASE_URL: "https://thidua.example.vn" } : {}),
      ...options.env,
    },
  });
  t.clock.follow();
  const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  const adapters: ChatAdapter[] = [];
  let links: SignedLinks | null = null;
  const http = await startHttpServer({
    port: 0,
    host: "127.0.0.1",
    adapters,
    media: {
      links: { verify: (token: string) => links?.verify(token) ?? null } as SignedLinks,
      read: (key) => t.app.services.evidenceStore.get(key),
    },
    downloads: t.app.downloadRoute,
    receive: (source, raw) => t.app.pipeline.receive(source, raw),
    health: () => t.app.healthReport(),
    logger: t.app.deps.logger,
  });
  t.app.useLocalAddress(http.url);
  if (options.publicMedia) {
    links = new SignedLinks(() => http.url, "media", 60_000, t.clock, "test-signing-key");
  }
  const adapter = new ZaloAdapter(t.app.port, {
    token: fake.token,
    apiRoot: fake.url,
    ...(options.webhook
      ? { webhookUrl: `${http.url}/webhooks/zalo`, webhookSecret: ZALO_SECRET }
      : {}),
    pollTimeoutSeconds: 30,
    limits: { perSecond: 50, perChatIntervalMs: 0, perGroupPerMinute: 20 },
    mediaLinks: links,
    maxPhotoBytes: t.app.deps.config.EVIDENCE_MAX_BYTES,
    backoffCapMs: 1000,
    photoBurstMs: options.photoBurstMs ?? 300,
  });
  adapters.push(adapter);
  t.app.pipeline.register(adapter);
  t.app.pipeline.start();
  await adapter.start();
  await fake.until(
    () => fake.calls.some((c) => c.method === (options.webhook ? "setWebhook" : "getUpdates")),
    5000,
    "the adapter to connect",
  );
  return {
    fake,
    t,
    adapter,
    http,
    invites,
    say: async (userId, text, expect = 1) => {
      const before = fake.textsTo(userId).length;
      fake.text(userId, `Người ${userId}`, text);
      await fake.until(
        () => fake.textsTo(userId).length >= before + expect,
        5000,
        `${expect} replies to ${userId}`,
      );
      await new Promise((r) => setTimeout(r, 30));
      return fake.textsTo(userId).slice(before);
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
