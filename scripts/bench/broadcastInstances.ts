/*
 * Three bot processes (compiled, as `npm start` runs them, polling: one polls, all
 * send) on one PostgreSQL database sharing Telegram's exact limit (30 a second, per
 * chat a burst of 3 then one a second, 20 a minute per group), in a working bloc's
 * afternoon, not only pre-queued deliveries: the lead's announcement to 1,000 chats
 * (one in ten a unit's group; 600 in --quick) while officers join by invite code and
 * others send /help twice a second. The fraction of the shared limit the three used
 * (every counted send from the first delivery to the last ÷ the limit), the
 * deliveries' rate, 429s, and how the joins and /help were answered. BENCH_INSTANCES
 * changes the count (1 gives the single-instance figure on PostgreSQL).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { displayInviteCode } from "../../src/features/membership/inviteCode.ts";
import { FakeTelegramApi } from "../../test/fakes/telegramApi.ts";
import { benchApp, benchPostgres, percentile, QUICK, report } from "./common.ts";

const CHATS = QUICK ? 600 : 1000;
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 3);
const JOINS = 40;
const LEAD = "200000";
const LIMITS = { perSecond: 30, perChatIntervalMs: 1000, perGroupPerMinute: 20, perChatBurst: 3 };

async function run(name: string, root: string) {
  const postgres = await benchPostgres();
  if (!postgres) return null;
  const fake = await new FakeTelegramApi().start();
  fake.limits = LIMITS;
  const sends: { chatId: string; method: string; at: number }[] = [];
  const asked = new Map<string, number>();
  const answerMs: number[] = [];
  fake.onSent = (m) => {
    sends.push({ chatId: m.chatId, method: m.method, at: performance.now() });
    const since = asked.get(m.chatId);
    if (since !== undefined) {
      answerMs.push(performance.now() - since);
      asked.delete(m.chatId);
    }
  };

  const { app } = await benchApp(undefined, { DATABASE_URL: postgres.url });
  await seedDemoBloc(app.services, "Asia/Ho_Chi_Minh");
  const leadInvite = await app.services.membership.issueInvite({
    blocId: 1,
    unitId: 1,
    role: "LEAD",
    issuer: "operator",
  });
  await app.services.membership.join(
    { platform: "telegram", platformChatId: LEAD, kind: "PRIVATE" },
    { platformUserId: LEAD, displayName: "Thường trực khối" },
    leadInvite.code,
    "vi",
  );
  const leadChat = await app.deps.db.chat.findFirstOrThrow({ where: { platformChatId: LEAD } });
  const lead = await app.deps.db.member.findFirstOrThrow({ where: { role: "LEAD" } });
  const invite = await app.services.membership.issueInvite({
    blocId: 1,
    unitId: 2,
    role: "OFFICER",
    maxUses: JOINS,
    issuer: "operator",
  });

  const dataDir = mkdtempSync(join(tmpdir(), "thidua-bench-instances-"));
  const startBot = (i: number): ChildProcess =>
    spawn(process.execPath, [join(root, "scripts/start.mjs")], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        DATA_DIR: dataDir,
        DATABASE_URL: postgres.url,
        INSTANCES: String(INSTANCES),
        MEDIA_SIGNING_SECRET: "m".repeat(40),
        INVITE_CODE_KEY: "k".repeat(40),
        BALLOT_KEY: "b".repeat(40),
        HTTP_PORT: String(18_771 + i),
        HTTP_HOST: "127.0.0.1",
        CONSOLE_CHAT: "off",
        SEED_DEMO: "off",
        LOG_LEVEL: "warn",
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.url,
        TELEGRAM_RATE_PER_SECOND: String(LIMITS.perSecond),
        TELEGRAM_PER_CHAT_INTERVAL_MS: String(LIMITS.perChatIntervalMs),
        TELEGRAM_PER_CHAT_BURST: String(LIMITS.perChatBurst),
        TELEGRAM_GROUP_PER_MINUTE: String(LIMITS.perGroupPerMinute),
      },
      stdio: ["ignore", "ignore", "inherit"],
    });

  /** The first instance builds dist/ if it is stale; the others start once it answers. */
  async function healthy(port: number): Promise<void> {
    for (const until = Date.now() + 60_000; Date.now() < until; ) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the first instance did not start");
  }
  const bots = [startBot(0)];
  await healthy(18_771);
  for (let i = 1; i < INSTANCES; i++) bots.push(startBot(i));
  for (let i = 1; i < INSTANCES; i++) await healthy(18_771 + i);
  await new Promise((r) => setTimeout(r, 2000));

  // The afternoon: /help twice a second, and an officer joining every second or so.
  let tick = 0;
  const officer = (n: number) => ({ id: 400_000 + n, first_name: `Cán bộ ${n}` });
  const chatter = setInterval(() => {
    tick++;
    const helper = officer(tick % 60);
    asked.set(String(helper.id), performance.now());
    // Every other /help is asked in one of the units' groups (the reply goes to the group).
    if (tick % 2 === 0) fake.text(helper.id, helper, "/help");
    else fake.text(-200_000 - (tick % 7), helper, "/help", "group");
    if (tick % 2 === 0 && tick / 2 <= JOINS) {
      const joiner = officer(1000 + tick / 2);
      asked.set(String(joiner.id), performance.now());
      fake.text(joiner.id, joiner, `/start ${displayInviteCode(invite.code)}`);
    }
  }, 500);

  // The lead announces to the bloc's chats while the three serve.
  const text = "Thông báo: họp sơ kết 6 tháng lúc 8h ngày 30/6 tại hội trường Tỉnh ủy.";
  const announcement = await app.deps.db.announcement.create({
    data: {
      blocId: 1,
      createdBy: `member:${lead.id}`,
      leadChatId: leadChat.id,
      text,
      audience: JSON.stringify({ units: "all" }),
      createdAt: new Date(),
    },
  });
  await app.services.outbox.enqueue(
    Array.from({ length: CHATS }, (_, i) => ({
      kind: "ANNOUNCEMENT" as const,
      dedupeKey: `bench:${i}`,
      announcementId: announcement.id,
      blocId: 1,
      platform: "telegram",
      platformChatId: i % 10 === 0 ? String(-100_000 - i) : String(100_000 + i),
      chatKind: i % 10 === 0 ? ("GROUP" as const) : ("PRIVATE" as const),
      chatId: null,
      text,
    })),
  );
  const joined = () => app.deps.db.member.count({ where: { unitId: 2, role: "OFFICER" } });
  const broadcastChat = (chatId: string) => /^-?1\d{5}$/.test(chatId);
  const delivered = () => sends.filter((s) => broadcastChat(s.chatId)).length;
  const deadline = Date.now() + (QUICK ? 60_000 : 240_000);
  while (delivered() < CHATS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  clearInterval(chatter);
  const members = await joined();
  await app.deps.db.$disconnect();
  for (const bot of bots) bot.kill("SIGTERM");
  await Promise.all(bots.map((bot) => new Promise((r) => bot.once("exit", r))));

  const broadcast = sends.filter((s) => broadcastChat(s.chatId));
  const first = broadcast[0]?.at ?? 0;
  const last = broadcast.at(-1)?.at ?? 0;
  const counted = sends.filter((s) => s.at >= first && s.at <= last);
  const seconds = (last - first) / 1000;
  const sorted = answerMs.sort((a, b) => a - b);
  const figures = {
    instances: INSTANCES,
    chats: CHATS,
    delivered: broadcast.length,
    allowedPerSecond: LIMITS.perSecond,
    seconds: Number(seconds.toFixed(1)),
    fractionOfLimit: Number(((counted.length - 1) / seconds / LIMITS.perSecond).toFixed(3)),
    deliveriesPerSecond: Number(((broadcast.length - 1) / seconds).toFixed(1)),
    otherSends: counted.length - broadcast.length,
    rateLimited429: fake.rateLimitedChats.length,
    leadProgress: fake.sent.find((m) => m.chatId === LEAD)?.text.slice(0, 60) ?? null,
    joined: members,
    answered: answerMs.length,
    answerP50ms: Math.round(percentile(sorted, 50)),
    answerP99ms: Math.round(percentile(sorted, 99)),
  };
  report(`broadcast-${INSTANCES}-instances-postgresql-${name}`, figures);
  await fake.stop();
  await postgres.drop();
  return figures;
}

const mine = await run("thidua", PROJECT_ROOT);
const against = process.env.BENCH_AGAINST;
if (mine && against) {
  const label = process.env.BENCH_AGAINST_LABEL ?? "previous";
  const theirs = await run(label, against);
  if (theirs)
    report(`broadcast-${INSTANCES}-instances-ab`, {
      thiduaFraction: mine.fractionOfLimit,
      [`${label}Fraction`]: theirs.fractionOfLimit,
      thidua429: mine.rateLimited429,
      [`${label}429`]: theirs.rateLimited429,
    });
}
