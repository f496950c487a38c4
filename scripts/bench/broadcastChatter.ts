/*
 * Broadcast at Telegram's exact limit (30 a second, per chat a burst of 3 then one a
 * second, 20 a minute per group) while officers chat: the bot in its own process
 * (compiled, webhook mode, SQLite) announces to 1,000 chats (one in ten a group; 600
 * in --quick) with the lead's live progress edited in their chat, while two officers
 * send /help, each once a second (their chats at their own pace). The fake answers 429 beyond the limit. Fraction of the
 * limit the bot used (every send it made from its first delivery to its last ÷ 30 a
 * second), the deliveries' own rate, 429s, and how fast /help was answered meanwhile.
 * BENCH_AGAINST=<worktree>: the other commit's bot runs the same, right after.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { FakeTelegramApi } from "../../test/fakes/telegramApi.ts";
import { benchApp, percentile, QUICK, report } from "./common.ts";

const CHATS = QUICK ? 600 : 1000;
const LIMITS = { perSecond: 30, perChatIntervalMs: 1000, perGroupPerMinute: 20, perChatBurst: 3 };
const LEAD = "200000";
const SECRET = "bench-secret-token";
const PORT = 18_781;

/** A database with the demo bloc, a lead in a Telegram chat and their announcement queued. */
async function prepare() {
  const { app, dir, file } = await benchApp();
  await seedDemoBloc(app.services, "Asia/Ho_Chi_Minh");
  const invite = await app.services.membership.issueInvite({
    blocId: 1,
    unitId: 1,
    role: "LEAD",
    issuer: "operator",
  });
  await app.services.membership.join(
    { platform: "telegram", platformChatId: LEAD, kind: "PRIVATE" },
    { platformUserId: LEAD, displayName: "Thường trực khối" },
    invite.code,
    "vi",
  );
  const chat = await app.deps.db.chat.findFirstOrThrow({ where: { platformChatId: LEAD } });
  const member = await app.deps.db.member.findFirstOrThrow({ where: { role: "LEAD" } });
  const text = "Thông báo: họp sơ kết 6 tháng lúc 8h ngày 30/6 tại hội trường Tỉnh ủy.";
  const announcement = await app.deps.db.announcement.create({
    data: {
      blocId: 1,
      createdBy: `member:${member.id}`,
      leadChatId: chat.id,
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
  await app.deps.db.$disconnect();
  return { dir, file };
}

async function run(name: string, root: string) {
  const fake = await new FakeTelegramApi().start();
  fake.limits = LIMITS;
  const sends: { chatId: string; method: string; at: number }[] = [];
  const asked = new Map<string, number>();
  const helpMs: number[] = [];
  fake.onSent = (m) => {
    sends.push({ chatId: m.chatId, method: m.method, at: performance.now() });
    const since = asked.get(m.chatId);
    if (since !== undefined) {
      helpMs.push(performance.now() - since);
      asked.delete(m.chatId);
    }
  };
  const { dir, file } = await prepare();
  const bot: ChildProcess = spawn(process.execPath, [join(root, "scripts/start.mjs")], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      DATA_DIR: dir,
      DATABASE_URL: `file:${file}`,
      HTTP_PORT: String(PORT),
      HTTP_HOST: "127.0.0.1",
      CONSOLE_CHAT: "off",
      SEED_DEMO: "off",
      LOG_LEVEL: "warn",
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${PORT}/webhooks/telegram`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_RATE_PER_SECOND: String(LIMITS.perSecond),
      TELEGRAM_PER_CHAT_INTERVAL_MS: String(LIMITS.perChatIntervalMs),
      TELEGRAM_PER_CHAT_BURST: String(LIMITS.perChatBurst),
      TELEGRAM_GROUP_PER_MINUTE: String(LIMITS.perGroupPerMinute),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const broadcastChat = (chatId: string) => /^-?100\d{3}$/.test(chatId) && chatId !== LEAD;
  const delivered = () => sends.filter((s) => broadcastChat(s.chatId)).length;
  await fake.until(() => fake.webhook !== null, 120_000, "the bot's webhook");
  // Officers (not members: /help answers anyone) ask twice a second until the broadcast ends.
  let updateId = 1;
  const chatter = setInterval(() => {
    // Two officers, each asking once a second: their chats reach their own pace.
    const user = String(400_000 + (updateId % 2));
    asked.set(user, performance.now());
    const update = {
      update_id: updateId,
      message: {
        message_id: updateId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(user), type: "private", first_name: "Cán bộ" },
        from: { id: Number(user), is_bot: false, first_name: "Cán bộ" },
        text: "/help",
        entities: [{ type: "bot_command", offset: 0, length: 5 }],
      },
    };
    void fetch(`http://127.0.0.1:${PORT}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify(update),
    }).catch(() => {});
  }, 500);
  for (
    const until = Date.now() + (QUICK ? 60_000 : 240_000);
    delivered() < CHATS && Date.now() < until;
  )
    await new Promise((r) => setTimeout(r, 100));
  clearInterval(chatter);
  bot.kill("SIGTERM");
  await new Promise((r) => bot.once("exit", r));
  const broadcast = sends.filter((s) => broadcastChat(s.chatId));
  const first = broadcast[0]?.at ?? 0;
  const last = broadcast.at(-1)?.at ?? 0;
  // Every send the platform counts against the limit (edits are not counted) in the span.
  const counted = sends.filter(
    (s) => s.at >= first && s.at <= last && s.method !== "editMessageText",
  );
  const seconds = (last - first) / 1000;
  const sorted = helpMs.sort((a, b) => a - b);
  const figures = {
    chats: CHATS,
    delivered: broadcast.length,
    allowedPerSecond: LIMITS.perSecond,
    seconds: Number(seconds.toFixed(1)),
    // Intervals between the span's sends ÷ the limit: 1.0 is every slot used.
    fractionOfLimit: Number(((counted.length - 1) / seconds / LIMITS.perSecond).toFixed(3)),
    deliveriesPerSecond: Number(((broadcast.length - 1) / seconds).toFixed(1)),
    otherSends: counted.length - broadcast.length,
    // The fake does not report edits: the lead's progress message shows where it ended.
    leadProgress: fake.sent.find((m) => m.chatId === LEAD)?.text.slice(0, 60) ?? null,
    rateLimited429: fake.rateLimitedChats.length,
    // Which chats: a broadcast chat's is the overall limit; an officer's, the per-chat one.
    rateLimitedChats: [...new Set(fake.rateLimitedChats)].slice(0, 6),
    helpAnswered: helpMs.length,
    helpP50ms: Math.round(percentile(sorted, 50)),
    helpP99ms: Math.round(percentile(sorted, 99)),
  };
  await fake.stop();
  report(`broadcast-chatter-${name}`, figures);
  return figures;
}

const mine = await run("thidua", PROJECT_ROOT);
const against = process.env.BENCH_AGAINST;
if (against) {
  const label = process.env.BENCH_AGAINST_LABEL ?? "previous";
  const theirs = await run(label, against);
  report("broadcast-chatter-ab", {
    thiduaFraction: mine.fractionOfLimit,
    [`${label}Fraction`]: theirs.fractionOfLimit,
    thidua429: mine.rateLimited429,
    [`${label}429`]: theirs.rateLimited429,
  });
}
