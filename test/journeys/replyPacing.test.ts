import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../src/admin/adminCommands.ts";
import type { FakeLimits, FakeUser } from "../fakes/telegramApi.ts";
import { png } from "../helpers/images.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";

/*
 * Replies keep Telegram's pace: the fake enforces its rule for one chat (a burst of
 * three, then one message a second, 429 with retry_after), the bot runs with its
 * default limits, and a lead's /export (a text with the download links and buttons),
 * then "send all" (a text, then five documents) must arrive part by part, each part
 * once, whatever fails on the way.
 */

const TELEGRAM: FakeLimits = {
  perSecond: 30,
  perChatIntervalMs: 1000,
  perChatBurst: 3,
  perGroupPerMinute: 20,
};
const LEAD = 900;
const lan: FakeUser = { id: 501, first_name: "Lan", language_code: "vi" };
const minh: FakeUser = { id: 502, first_name: "Minh", language_code: "vi" };
const FILES = [
  "thidua-2-cong-so-van-minh-2026.xlsx",
  "thidua-2-cong-so-van-minh-2026.csv",
  "thidua-2-cong-so-van-minh-2026-ket-qua-cham-diem.xlsx",
  "thidua-2-cong-so-van-minh-2026-minh-chung.zip",
  "manifest.sha256",
];

let h: TelegramHarness;
afterEach(() => h?.close());

/** A scored campaign with one photo report and a lead on Telegram: four files to export. */
async function leadWithAnExport(options: { lead?: FakeUser; env?: Record<string, string> } = {}) {
  h = await startTelegramBot({
    limits: TELEGRAM,
    env: { INBOX_RETRY_BASE_MS: "100", ...options.env },
  });
  h.fake.limits = TELEGRAM;
  await openScoredCampaign(h.t.app, h.t.clock.now(), { hashtag: "#congso" });
  await h.say(lan.id, lan, `/join ${h.invites[3]?.code.replace("-", "")}`, 2);
  const before = h.fake.textsIn(lan.id).length;
  h.fake.photo(lan.id, lan, png(40, 30, 1), { caption: "#congso" });
  await h.fake.until(() => h.fake.textsIn(lan.id).length > before, 5000, "the photo's answer");
  const invite = await h.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: null,
    role: "LEAD",
    issuer: "operator",
  });
  await h.say(LEAD, options.lead ?? minh, `/join ${invite.code}`, 2);
}

const toLead = () => h.fake.sent.filter((m) => m.chatId === String(LEAD));
const documentsToLead = () =>
  toLead()
    .filter((m) => m.method === "sendDocument")
    .map((m) => m.document?.name);
const exportFolders = () => readdirSync(join(h.t.dir, "exports")).length;
const unfinished = () =>
  h.t.app.deps.db.inboundUpdate.count({ where: { status: { in: ["PENDING", "HANDLED"] } } });

/** Waits until no update is left to handle or answer, and a second has passed since. */
async function settled(): Promise<void> {
  for (let quiet = 0; quiet < 1000; quiet += 50) {
    if ((await unfinished()) > 0) quiet = 0;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends /export, waits for its links and presses "send all" under them, as the lead does. */
async function exportAndAskFiles(user: FakeUser = minh): Promise<void> {
  const before = toLead().length;
  h.fake.text(LEAD, user, "/export");
  const offer = () =>
    toLead()
      .slice(before)
      .find((m) => m.buttons.length > 0);
  await h.fake.until(() => offer() !== undefined, 20_000, "the export's links");
  const all = offer()?.buttons.find((b) => /^📎 (Gửi cả|Send all)/.test(b.text));
  h.fake.press(LEAD, user, all?.text ?? "no such button");
}

/** Sends /export, asks for every file, waits for the seven parts and until all is settled. */
async function exportAndSettle(user: FakeUser = minh): Promise<number> {
  const before = toLead().length;
  const started = Date.now();
  await exportAndAskFiles(user);
  await h.fake.until(() => toLead().length >= before + 7, 20_000, "the export's seven parts");
  const took = Date.now() - started;
  await settled();
  return took;
}

describe("a lead's /export under Telegram's limit for one chat", () => {
  it("arrives part by part: the links first, then each document once, with no 429", async () => {
    await leadWithAnExport();
    const took = await exportAndSettle();

    const [links, text, ...rest] = toLead().slice(-7);
    expect(links?.text).toContain("Công sở văn minh 2026: 7 dòng, 1 ảnh minh chứng");
    FILES.forEach((file, i) => {
      expect(links?.text).toMatch(
        new RegExp(`${i + 1}\\. ${file.replaceAll(".", "\\.")} \\(\\d+ KB\\)\\nhttp`),
      );
    });
    expect(text?.method).toBe("sendMessage");
    expect(text?.text).toContain("Tệp của lần xuất Công sở văn minh 2026");
    expect(rest.map((m) => m.document?.name)).toEqual(FILES);
    expect(documentsToLead()).toEqual(FILES);
    // Paced: three at once, then one a second, so Telegram never had to refuse one.
    expect(h.fake.rateLimitedChats).toEqual([]);
    expect(took).toBeLessThan(6000);
    expect(exportFolders()).toBe(1);
  });
});

describe("a reply part refused on the way", () => {
  it("a 429 on one document and a 5xx on the next: each is sent again alone, the export is not rebuilt", async () => {
    await leadWithAnExport();
    // The second and third documents (the reply's third and fourth parts) are refused once.
    h.fake.failNext("sendDocument", {
      status: 429,
      description: "Too Many Requests: retry after 1",
      retryAfter: 1,
      chatId: String(LEAD),
      skip: 1,
    });
    h.fake.failNext("sendDocument", {
      status: 502,
      description: "Bad Gateway",
      chatId: String(LEAD),
      skip: 2,
    });
    await exportAndSettle();

    expect(documentsToLead()).toEqual(FILES);
    expect(toLead().filter((m) => m.text.includes("/downloads/"))).toHaveLength(1);
    // retry_after was honoured: the refused document came a second after the one before it.
    const [first, second] = toLead().filter((m) => m.method === "sendDocument");
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(exportFolders()).toBe(1);
    expect(toLead().some((m) => m.text.includes("chưa đến được"))).toBe(false);
    expect(await h.t.app.deps.db.inboundUpdate.count({ where: { status: "FAILED" } })).toBe(0);
  });

  it("a document that never goes through: the lead gets its link in their language, the operator sees it, a retry sends only it", async () => {
    const en: FakeUser = { id: 503, first_name: "Mai", language_code: "en" };
    await leadWithAnExport({ lead: en, env: { INBOX_MAX_ATTEMPTS: "3" } });
    h.fake.failNext("sendDocument", {
      status: 502,
      description: "Bad Gateway",
      chatId: String(LEAD),
      skip: 3,
      times: 3,
    });
    const before = toLead().length;
    await exportAndAskFiles(en);
    await h.fake.until(
      () => toLead().some((m) => m.text.includes("did not reach you")),
      20_000,
      "the word that a part did not arrive",
    );
    await settled();

    const zip = FILES[3] as string;
    expect(documentsToLead()).toEqual(FILES.filter((f) => f !== zip));
    const received = toLead().slice(before);
    // The links with their buttons, then the files' text, four documents and the notice.
    expect(received).toHaveLength(7);
    const notice = received.at(-1)?.text ?? "";
    expect(notice).toContain("Part of my answer did not reach you");
    expect(notice).toContain(`File ${zip}: download it from this link`);
    const link = /(http\S+\/downloads\/\S+)/.exec(notice)?.[1] ?? "";
    // The first message gave the ZIP's link too; the notice's link works.
    expect(received[0]?.text).toMatch(
      new RegExp(`${zip.replaceAll(".", "\\.")} \\(\\d+ KB\\)\\nhttp`),
    );
    const download = await fetch(link);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(100);

    // The operator sees the update as given up: admin inbox list, /healthz, /metrics.
    const list = await runAdminCommand(h.t.app, ["inbox", "list"]);
    expect(list.text).toContain("1 given up");
    expect(list.text).toContain("reply incomplete: 1 of 7 parts did not arrive");
    const health = (await (await fetch(`${h.http.url}/healthz`)).json()) as {
      adapters: Record<string, { inbox: { failed: number } }>;
    };
    expect(health.adapters.telegram?.inbox.failed).toBe(1);
    const metrics = await h.t.app.metrics.render();
    expect(metrics).toContain('thidua_inbox_depth{platform="telegram",state="failed"} 1');
    expect(metrics).toContain('thidua_reply_parts_total{platform="telegram",outcome="missed"} 1');

    // Retried by the operator once Telegram takes it: only the missing document is sent.
    const [failed] = (list.json as { failed: { id: number }[] }).failed;
    await runAdminCommand(h.t.app, ["inbox", "retry", String(failed?.id)]);
    await h.fake.until(() => documentsToLead().length === 5, 10_000, "the missing document");
    await settled();
    expect(documentsToLead()).toEqual([...FILES.filter((f) => f !== zip), zip]);
    expect(toLead().slice(before)).toHaveLength(8);
    expect(await h.t.app.deps.db.inboundUpdate.count({ where: { status: "FAILED" } })).toBe(0);
    expect(exportFolders()).toBe(1);
  });
});
