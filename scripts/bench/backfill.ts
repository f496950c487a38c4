/*
 * The background fingerprinting of older photos against the photos people send: the
 * inbound bench's quick photo reports (webhook, download, check, store, report, reply;
 * 20 officers at once, each waiting for the answer), alternately without and with the
 * backfill working through a backlog of photos filed before fingerprints (phone-sized
 * JPEGs, each read from the store and decoded in the decoder processes). Figures: the
 * inbound p50/p99 and rate in each phase, and how many old photos the backfill did.
 * usage: tsx scripts/bench/backfill.ts [backlog=4000] [rounds=2]
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import sharp from "sharp";
import { TelegramAdapter } from "../../src/adapters/telegram/adapter.ts";
import { insertRows } from "../../src/db/insertRows.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { FingerprintBackfill } from "../../src/features/evidence/backfill.ts";
import { fingerprintIndex } from "../../src/features/evidence/fingerprintIndex.ts";
import { startHttpServer } from "../../src/http/server.ts";
import { LocalEvidenceStore } from "../../src/storage/evidenceStore.ts";
import { FakeTelegramApi } from "../../test/fakes/telegramApi.ts";
import { png } from "../../test/helpers/images.ts";
import { benchApp, percentile, photoUpdate, report } from "./common.ts";

const BACKLOG = Number(process.argv[2] ?? 4000);
const ROUNDS = Number(process.argv[3] ?? 2);
const USERS = 200;
const UPDATES = 600;
const CONCURRENCY = 20;
const DISTINCT_FILES = 40;
const SECRET = "bench-secret";

const fake = await new FakeTelegramApi().start();
const { app, dir } = await benchApp();
// The bot's own store: the same folder it reads evidence from.
const store = new LocalEvidenceStore(join(dir, "evidence"));
const db = app.deps.db;
await seedDemoBloc(app.services, "Asia/Ho_Chi_Minh");
const invite = await app.services.membership.issueInvite({
  blocId: 1,
  unitId: 2,
  role: "OFFICER",
  maxUses: USERS,
  issuer: "operator",
});
for (let i = 0; i < USERS; i++) {
  const id = String(200_000 + i);
  await app.services.membership.join(
    { platform: "telegram", platformChatId: id, kind: "PRIVATE" },
    { platformUserId: id, displayName: `Cán bộ ${i}` },
    invite.code,
    "vi",
  );
}

// The backlog: photos of the other units on the campaign's last deadline, as a version
// without fingerprints left them. Phone-sized JPEGs (1280 × 960), a few dozen distinct
// files behind the rows, so each row costs a real read and decode.
const files: string[] = [];
for (let i = 0; i < DISTINCT_FILES; i++) {
  const small = randomBytes(40 * 30 * 3);
  const jpeg = await sharp(small, { raw: { width: 40, height: 30, channels: 3 } })
    .resize(1280, 960, { kernel: "cubic" })
    .jpeg({ quality: 85 })
    .toBuffer();
  files.push((await store.put(jpeg, "jpg")).key);
}
const deadline = await db.deadline.findFirstOrThrow({ orderBy: { dueAt: "desc" } });
const members: { memberId: number; unitId: number; reportId: number }[] = [];
for (let unitId = 3; unitId <= 7; unitId++) {
  const member = await db.member.create({
    data: { blocId: 1, unitId, role: "FOCAL", displayName: `Đầu mối ${unitId}` },
  });
  const report = await db.report.create({
    data: { unitId, deadlineId: deadline.id, memberId: member.id, status: "DONE" },
  });
  members.push({ memberId: member.id, unitId, reportId: report.id });
}
const rows = Array.from({ length: BACKLOG }, (_, i) => {
  const m = members[i % members.length] as (typeof members)[number];
  return {
    reportId: m.reportId,
    unitId: m.unitId,
    memberId: m.memberId,
    platform: "telegram",
    platformFileId: `old${i}`,
    sha256: randomBytes(32).toString("hex"),
    storageKey: files[i % files.length] ?? "",
    size: 200_000,
    mimeType: "image/jpeg",
    receivedAt: new Date(Date.now() - 86_400_000),
  };
});
const columns = Object.keys(rows[0] ?? {}) as (keyof (typeof rows)[number])[];
for (let i = 0; i < rows.length; i += 2000) {
  await insertRows(db, "Evidence", columns, rows.slice(i, i + 2000));
}

const adapters: TelegramAdapter[] = [];
const http = await startHttpServer({
  port: 0,
  host: "127.0.0.1",
  adapters,
  receive: (source, raw) => app.pipeline.receive(source, raw),
  health: async () => ({ ok: true }),
  logger: app.deps.logger,
});
const webhookUrl = `${http.url}/webhooks/telegram`;
const adapter = new TelegramAdapter(app.port, {
  token: fake.token,
  apiRoot: fake.url,
  webhookUrl,
  webhookSecret: SECRET,
  pollTimeoutSeconds: 30,
  backoffCapMs: 5000,
  // Each officer sends again and again: the platform's pace per chat would be measured,
  // not the bot's work.
  limits: { perSecond: 1000, perChatIntervalMs: 0, perGroupPerMinute: 20 },
});
adapters.push(adapter);
app.pipeline.register(adapter);
app.pipeline.start();
await adapter.start();
await fake.until(() => fake.webhook !== null, 5000, "the webhook");

const waiting = new Map<string, () => void>();
fake.onSent = (message) => waiting.get(message.chatId)?.();
let updateId = 1;
let photoNo = 0;

/** 20 officers send UPDATES quick photo reports, each waiting for the answer. */
async function inbound(): Promise<{ perSecond: number; p50ms: number; p99ms: number }> {
  const latencies: number[] = [];
  let next = 0;
  const officer = async (worker: number) => {
    while (next < UPDATES) {
      const n = next++;
      const userId = 200_000 + ((n * CONCURRENCY + worker) % USERS);
      const no = photoNo++;
      const fileId = `bench-photo-${no}`;
      fake.addFile(fileId, png(64, 48, no));
      const answered = new Promise<void>((resolve) => waiting.set(String(userId), resolve));
      const start = performance.now();
      const response = await fetch(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(photoUpdate(updateId++, no + 1, userId, fileId)),
      });
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
      await answered;
      latencies.push(performance.now() - start);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => officer(w)));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(UPDATES / seconds),
    p50ms: Number(percentile(latencies, 50).toFixed(1)),
    p99ms: Number(percentile(latencies, 99).toFixed(1)),
  };
}

const remaining = () => db.evidence.count({ where: { phash: null } });
// A first round warms the process (JIT, statement cache, decoders) and is not counted.
await inbound();
const without: Awaited<ReturnType<typeof inbound>>[] = [];
const withBackfill: (Awaited<ReturnType<typeof inbound>> & { fingerprinted: number })[] = [];
for (let round = 0; round < ROUNDS; round++) {
  without.push(await inbound());
  const before = await remaining();
  // A backfill as the bot's (same decoders and limits); a stopped one stays stopped, so
  // each round has its own, which carries on where the last one was stopped.
  const { config } = app.deps;
  const backfill = new FingerprintBackfill(
    db,
    store,
    app.services.imageDecoders,
    { maxPixels: config.EVIDENCE_MAX_PIXELS, maxSide: config.EVIDENCE_MAX_SIDE },
    fingerprintIndex(db),
    app.deps.clock,
  );
  const running = backfill.run();
  const figures = await inbound();
  const after = await remaining();
  withBackfill.push({ ...figures, fingerprinted: before - after });
  if (after === 0) console.error("the backlog ran out during the round: make it larger");
  backfill.stop();
  await running;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p99Without = mean(without.map((r) => r.p99ms));
const p99With = mean(withBackfill.map((r) => r.p99ms));
report("backfill", {
  backlog: BACKLOG,
  updatesPerRound: UPDATES,
  concurrency: CONCURRENCY,
  without,
  withBackfill,
  p99IncreasePercent: Math.round(((p99With - p99Without) / p99Without) * 100),
});
await adapter.stop();
await app.pipeline.stop();
await http.close();
await db.$disconnect();
await fake.stop();
process.exit(0);
