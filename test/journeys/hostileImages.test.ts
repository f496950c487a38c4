import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { FakeTelegramApi, type FakeUser } from "../fakes/telegramApi.ts";
import { type BotProcess, prepareDemoFolder, startBotProcess } from "../helpers/botProcess.ts";
import { tallPng } from "../helpers/images.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";
import { createTestApp } from "../helpers/testApp.ts";

/*
 * A 95 KB PNG of 1 × 49 M pixels used to cost a minute of CPU per copy, stall every
 * chat's replies and hold the bot's stop for as long as libvips worked on it.
 */

const lan: FakeUser = { id: 501, first_name: "Lan", language_code: "vi" };
const john: FakeUser = { id: 502, first_name: "John", language_code: "en" };
const hoa: FakeUser = { id: 503, first_name: "Hoa", language_code: "vi" };

let h: TelegramHarness | undefined;
let bot: BotProcess | undefined;
let fake: FakeTelegramApi | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  await bot?.stop();
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = bot = fake = dir = undefined;
});

async function threeMembers(env: Record<string, string> = {}): Promise<TelegramHarness> {
  const harness = await startTelegramBot({ env });
  const code = harness.invites[1]?.code ?? "";
  for (const user of [lan, john, hoa]) await harness.say(user.id, user, `/join ${code}`, 2);
  return harness;
}

/** Where in the bot's sent messages (all chats, in order) the first one to `chatId` matching `text` is. */
const indexOf = (harness: TelegramHarness, chatId: number, text: string) =>
  harness.fake.sent.findIndex((m) => m.chatId === String(chatId) && m.text.includes(text));

describe("a photo with a hostile size", () => {
  it("sent ten times is refused from its header in each sender's language, /help answered meanwhile", async () => {
    h = await threeMembers();
    const harness = h;
    const before = {
      lan: harness.fake.textsIn(lan.id).length,
      john: harness.fake.textsIn(john.id).length,
    };
    for (let i = 0; i < 5; i++) {
      harness.fake.photo(lan.id, lan, tallPng(), { caption: "#xanhsachdep" });
      harness.fake.photo(john.id, john, tallPng(), { caption: "#xanhsachdep" });
    }
    expect((await harness.say(hoa.id, hoa, "/help")).join("\n")).toContain("Các lệnh dành cho bạn");
    const refusals = (user: FakeUser, from: number) => harness.fake.textsIn(user.id).slice(from);
    await harness.fake.until(
      () => refusals(lan, before.lan).length >= 5 && refusals(john, before.john).length >= 5,
      10_000,
      "ten answers",
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(refusals(lan, before.lan)).toEqual(
      Array(5).fill(expect.stringContaining("mỗi cạnh tối đa 20000 điểm ảnh")),
    );
    expect(refusals(john, before.john)).toEqual(
      Array(5).fill(expect.stringContaining("at most 20000 pixels on each side")),
    );
    expect(harness.t.app.services.imageDecoders.busy()).toBe(0);
    expect(await harness.t.app.deps.db.evidence.count()).toBe(0);
  });

  it("that the header lets through is decoded aside: /help is answered first, the photo refused as too slow", async () => {
    h = await threeMembers({
      EVIDENCE_MAX_SIDE: "100000000",
      EVIDENCE_DECODE_TIMEOUT_SECONDS: "2",
    });
    const harness = h;
    harness.fake.photo(lan.id, lan, tallPng(), { caption: "#xanhsachdep" });
    await harness.fake.until(
      () => harness.t.app.services.imageDecoders.busy() === 1,
      10_000,
      "the decode to start",
    );
    expect((await harness.say(hoa.id, hoa, "/help")).join("\n")).toContain("Các lệnh dành cho bạn");
    await harness.fake.until(
      () => indexOf(harness, lan.id, "Không kiểm tra kịp") >= 0,
      10_000,
      "the refusal",
    );
    expect(indexOf(harness, hoa.id, "Các lệnh dành cho bạn")).toBeLessThan(
      indexOf(harness, lan.id, "Không kiểm tra kịp"),
    );
    expect(await harness.t.app.deps.db.evidence.count()).toBe(0);
  });
});

/** The bot's child processes running the image decoder. */
function decodersOf(pid: number): number[] {
  let lines = "";
  try {
    lines = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" });
  } catch {
    // ps ends with 1 when the process has no children.
  }
  return lines
    .split("\n")
    .filter((line) => line.includes("decoder.js"))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("a bot stopped while it decodes a photo", () => {
  it("exits within 5 s with its decoder, and the photo is answered once after the restart", async () => {
    fake = await new FakeTelegramApi().start();
    dir = await prepareDemoFolder();
    const env = {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      INBOX_RETRY_BASE_MS: "200",
    };
    bot = await startBotProcess(dir, {
      ...env,
      EVIDENCE_MAX_SIDE: "100000000",
      EVIDENCE_DECODE_TIMEOUT_SECONDS: "600",
    });
    const running = bot;
    const pid = running.child.pid ?? 0;
    await fake.until(
      () => fake?.calls.some((c) => c.method === "getUpdates") ?? false,
      10_000,
      "polling",
    );
    fake.photo(lan.id, lan, tallPng(), { caption: "#xanhsachdep" });
    let decoders: number[] = [];
    await fake.until(
      () => {
        decoders = decodersOf(pid);
        return decoders.length === 1;
      },
      15_000,
      "a decoder process",
    );
    // libvips is well into the 1 × 49 M rows (15 s or more on this machine).
    await new Promise((r) => setTimeout(r, 1000));
    const stopped = Date.now();
    running.child.kill("SIGTERM");
    const end = await running.exited;
    const tookMs = Date.now() - stopped;
    expect(end.code).toBe(0);
    expect(tookMs).toBeLessThan(5000);
    await fake.until(() => decoders.every((p) => !alive(p)), 2000, "the decoder to be gone");
    expect(fake.textsIn(lan.id)).toEqual([]);

    // Started again with the usual limits: the stored update is handled, refused from its header.
    bot = await startBotProcess(dir, env);
    await fake.until(() => fake?.textsIn(lan.id).length === 1, 15_000, "the answer after restart");
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.textsIn(lan.id)).toEqual([
      expect.stringContaining("mỗi cạnh tối đa 20000 điểm ảnh"),
    ]);
    const t = await createTestApp({ dir });
    const db = t.app.deps.db;
    expect(await db.evidence.count()).toBe(0);
    expect(await db.inboundUpdate.count({ where: { status: { not: "DONE" } } })).toBe(0);
    await db.$disconnect();
    // Two starts, a decoder and a restart: its own bounds are the 5 s stop and the waits above.
  }, 60_000);
});
