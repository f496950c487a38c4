/*
 * A lead's /export on Telegram against the fake Bot API enforcing Telegram's rule for
 * one chat (a burst of 3, then one message a second; 429 with retry_after), with the
 * bot's real limits and retry settings: what reaches the lead for /export (the links,
 * with sizes and buttons), then for pressing "send all" (the documents): how many
 * documents and texts, how many 429s, how many export folders were written, and how
 * long each takes. The scored campaign has five files (spreadsheet, CSV, scoring
 * sheet, photos ZIP, seal). Before the links-first change, /export alone sent them all.
 * Figures for issue notes (issue 25), never for tests.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { TelegramAdapter } from "../../src/adapters/telegram/adapter.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { startHttpServer } from "../../src/http/server.ts";
import { FakeTelegramApi } from "../../test/fakes/telegramApi.ts";
import { png } from "../../test/helpers/images.ts";
import { openScoredCampaign } from "../../test/helpers/scoredCampaign.ts";
import { benchApp, report } from "./common.ts";

/** The bot's default limits, and Telegram's as the fake enforces them. */
const LIMITS = { perSecond: 30, perChatIntervalMs: 1000, perChatBurst: 3, perGroupPerMinute: 20 };
const LEAD_CHAT = 900;
/** Nothing left to handle or send, and nothing sent for this long: the export is settled. */
const QUIET_MS = 3000;
const MAX_MS = 6 * 60_000;

const fake = await new FakeTelegramApi().start();
const { app, dir } = await benchApp();
const invites = await seedDemoBloc(app.services, "Asia/Ho_Chi_Minh", app.deps.clock.now());
await openScoredCampaign(app, app.deps.clock.now(), { hashtag: "#congso" });
const http = await startHttpServer({
  port: 0,
  host: "127.0.0.1",
  adapters: [],
  downloads: app.downloadRoute,
  receive: (source, raw) => app.pipeline.receive(source, raw),
  health: () => app.healthReport(),
  logger: app.deps.logger,
});
app.useLocalAddress(http.url);
const adapter = new TelegramAdapter(app.port, {
  token: fake.token,
  apiRoot: fake.url,
  pollTimeoutSeconds: 30,
  backoffCapMs: 1000,
  limits: LIMITS,
});
app.pipeline.register(adapter);
const { sender } = app.startDelivery([adapter.transport]);
sender.start();
app.pipeline.start();
await adapter.start();

const officer = { id: 501, first_name: "Lan", language_code: "vi" };
const lead = { id: 502, first_name: "Minh", language_code: "vi" };
const sentTo = (chat: number) => fake.sent.filter((m) => m.chatId === String(chat));
const settle = async (chat: number, count: number) =>
  fake.until(() => sentTo(chat).length >= count, 20_000, `${count} messages in ${chat}`);

fake.text(officer.id, officer, `/join ${invites[3]?.code.replace("-", "")}`);
await settle(officer.id, 2);
fake.photo(officer.id, officer, png(40, 30, 1), { caption: "#congso" });
await settle(officer.id, 3);
const code = await app.services.membership.issueInvite({
  blocId: 1,
  unitId: null,
  role: "LEAD",
  issuer: "operator",
});
fake.text(LEAD_CHAT, lead, `/join ${code.code}`);
await settle(LEAD_CHAT, 2);
// The lead's chat starts the export with a full burst, as after a pause.
await new Promise((r) => setTimeout(r, 3000));

/** Runs `act`, waits until the lead's chat is quiet and nothing waits, and reports what came. */
async function phase(name: string, act: () => void) {
  const before = sentTo(LEAD_CHAT).length;
  const limited = fake.rateLimitedChats.length;
  fake.limits = LIMITS;
  const start = Date.now();
  act();
  let lastCount = 0;
  let lastChange = Date.now();
  while (Date.now() - start < MAX_MS) {
    const count = sentTo(LEAD_CHAT).length;
    if (count !== lastCount) {
      lastCount = count;
      lastChange = Date.now();
    }
    const waiting = Object.values(await app.pipeline.backlog()).some((b) => b.waiting > 0);
    if (count > before && !waiting && Date.now() - lastChange > QUIET_MS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const received = sentTo(LEAD_CHAT).slice(before);
  const documents = received.filter((m) => m.method === "sendDocument");
  const texts = received.filter((m) => m.method === "sendMessage");
  const lastAt = received.at(-1)?.at ?? start;
  const names = documents.map((d) => d.document?.name ?? "");
  report(name, {
    documentsReceived: documents.length,
    distinctDocuments: new Set(names).size,
    textsReceived: texts.length,
    linksArrived: texts.some((m) => m.text.includes("/downloads/")),
    buttons: received.flatMap((m) => m.buttons.map((b) => b.text)),
    rateLimited429: fake.rateLimitedChats.length - limited,
    exportFolders: readdirSync(join(dir, "exports")).length,
    secondsToLastMessage: Number(((lastAt - start) / 1000).toFixed(1)),
    texts: texts.map((m) => m.text.split("\n")[0]),
  });
  return received;
}

const links = await phase("exportReplies-links", () => fake.text(LEAD_CHAT, lead, "/export"));
const all = links.flatMap((m) => m.buttons).find((b) => b.text.startsWith("📎 Gửi cả"));
if (all) await phase("exportReplies-sendAll", () => fake.press(LEAD_CHAT, lead, all.text));
await adapter.stop();
await app.pipeline.stop();
await sender.stop();
await http.close();
await fake.stop();
await app.deps.db.$disconnect();
