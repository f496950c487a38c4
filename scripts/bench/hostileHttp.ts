/*
 * The bot's HTTP server under hostile load, with the bot in its own process (the
 * bundle `npm start` runs, Telegram in webhook mode against the fake): its memory
 * under unauthenticated bodies of 300 MB (two at once) and 50 MB (chunked, no
 * length), and how many of eight legitimate requests (three /healthz, three webhook
 * updates, two dashboard pages) are answered within 5 s under 1,100 idle connections
 * and under 1,100 bodies sent a byte a second, first from the legitimate clients' own
 * address, then spread over 30 others. `node --import tsx scripts/bench/hostileHttp.ts
 * [bundle]` measures another build (an older main.js) the same way.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { FakeTelegramApi } from "../../test/fakes/telegramApi.ts";
import { freePort } from "../../test/helpers/botProcess.ts";
import {
  type Flood,
  idleFlood,
  loopbackAddresses,
  postHuge,
  rssOf,
  send,
  slowBodies,
} from "../../test/helpers/hostileClients.ts";
// @ts-expect-error: a plain .mjs build script, without type declarations
import { buildDist } from "../build.mjs";
import { benchApp, report } from "./common.ts";

const SECRET = "bench-hostile-secret";
const MB = 1024 * 1024;

async function bundle(): Promise<string> {
  if (process.argv[2]) return process.argv[2];
  const out = join(PROJECT_ROOT, "test-artifacts", "dist-hostile");
  await buildDist(out);
  return join(out, "src", "main.js");
}

const fake = await new FakeTelegramApi().start();
const { app, dir, file } = await benchApp();
const invites = await seedDemoBloc(app.services, "Asia/Ho_Chi_Minh");
await app.services.membership.join(
  { platform: "telegram", platformChatId: "501", kind: "PRIVATE" },
  { platformUserId: "501", displayName: "Lan" },
  invites[1]?.code ?? "",
  "vi",
);
await app.deps.db.$disconnect();

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const child: ChildProcess = spawn(process.execPath, [await bundle()], {
  cwd: PROJECT_ROOT,
  env: {
    PATH: process.env.PATH ?? "",
    DATABASE_URL: `file:${file}`,
    DATA_DIR: dir,
    CONSOLE_CHAT: "off",
    SEED_DEMO: "off",
    HTTP_HOST: "127.0.0.1",
    HTTP_PORT: String(port),
    LOG_LEVEL: "error",
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_WEBHOOK_URL: `${url}/webhooks/telegram`,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
  },
  stdio: ["ignore", "ignore", "inherit"],
});
process.on("exit", () => child.kill("SIGKILL"));
const pid = child.pid ?? 0;
await fake.until(() => fake.webhook !== null, 20_000, "the webhook");

let updateId = 1_000;
const helpUpdate = () =>
  JSON.stringify({
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: 501, type: "private", first_name: "Lan" },
      from: { id: 501, is_bot: false, first_name: "Lan", language_code: "vi" },
      text: "/help",
    },
  });

/** Eight legitimate requests at once from 127.0.0.1: how many got their 200 within 5 s. */
async function legitimate(): Promise<number> {
  const webhook = () =>
    send(`${url}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: helpUpdate(),
    });
  const answers = await Promise.all([
    send(`${url}/healthz`),
    send(`${url}/healthz`),
    send(`${url}/healthz`),
    webhook(),
    webhook(),
    webhook(),
    send(`${url}/web/app.css`),
    send(`${url}/web/telegram`),
  ]);
  return answers.filter((a) => a.status === 200).length;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function under(name: string, start: () => Promise<Flood>) {
  const started = Date.now();
  const flood = await start();
  await pause(1500);
  const answered = await legitimate();
  const held = flood.open();
  flood.close();
  report(`hostile-http-${name}`, {
    legitimateAnswered: answered,
    of: 8,
    floodStillOpen: held,
    floodOpenMs: Date.now() - started,
  });
  await pause(2000);
}

await pause(2000);
const idle = rssOf(pid);
const huge = await Promise.all([
  postHuge(`${url}/web/telegram/login`, 300 * MB),
  postHuge(`${url}/web/telegram/login`, 300 * MB),
]);
const chunked = await postHuge(`${url}/web/telegram/login`, 50 * MB, { chunked: true });
const other = await postHuge(`${url}/web/invites`, 50 * MB, { chunked: true });
await pause(500);
const after = rssOf(pid);
report("hostile-http-bodies", {
  idleRssMb: idle.rssMb,
  peakRssMb: after.peakMb,
  rssAfterMb: after.rssMb,
  statuses: [...huge, chunked, other].map((a) => a.status || a.error),
  sentMb: [...huge, chunked, other].map((a) => Math.round(a.sentBytes / MB)),
  legitimateAnswered: await legitimate(),
});

await under("idle-one-address", () => idleFlood(port, 1100, ["127.0.0.1"]));
await under("idle-30-addresses", () => idleFlood(port, 1100, loopbackAddresses(30)));
const slow = { path: "/web/telegram/login", declared: 5000, everyMs: 1000 };
await under("slow-bodies-one-address", () => slowBodies(port, 1100, ["127.0.0.1"], slow));
await under("slow-bodies-30-addresses", () => slowBodies(port, 1100, loopbackAddresses(30), slow));
await pause(1000);
report("hostile-http-help-answered", {
  helpAnswers: fake.sent.filter((m) => m.chatId === "501").length,
  webhookUpdatesSent: updateId - 1_000,
});
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", r));
await fake.stop();
process.exit(0);
