import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.ts";
import { FakeTelegramApi, type FakeUser } from "../fakes/telegramApi.ts";
import { type BotProcess, prepareDemoFolder, startBotProcess } from "../helpers/botProcess.ts";
import { telegramFocalPoints } from "../helpers/members.ts";
import { createTestApp } from "../helpers/testApp.ts";

/* /metrics as Prometheus scrapes it from the running bot. */

const lan: FakeUser = { id: 501, first_name: "Lan", language_code: "vi" };
let fake: FakeTelegramApi;
let bot: BotProcess | null = null;
let dir = "";

afterEach(async () => {
  await bot?.stop();
  bot = null;
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The value of one sample line, e.g. value(text, 'thidua_deliveries_total{platform="telegram",state="SENT"}'). */
function value(text: string, sample: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : Number.NaN;
}

describe("metrics", () => {
  it("counts updates, deliveries by state, 429s and send latency; shows queue depths; this machine only without a token", async () => {
    fake = await new FakeTelegramApi().start();
    // Seeded on the bot's own clock: a bloc seeded months ago has deadlines long past,
    // and a minute boundary during the test would fire their overdue reminders.
    const seededAt = new Date();
    dir = await prepareDemoFolder({ seededAt });
    const t = await createTestApp({ dir, clock: new ManualClock(seededAt.toISOString()) });
    await telegramFocalPoints(t.app.deps.db, 5, 30_000);
    await t.app.services.announcements.create({
      blocId: 1,
      actor: "operator",
      leadChatId: null,
      text: "Thông báo đo đếm",
      photoKey: null,
      audience: { units: "all" },
    });
    await t.app.deps.db.$disconnect();
    fake.failNext("sendMessage", { status: 429, description: "Too Many Requests", retryAfter: 1 });
    bot = await startBotProcess(dir, {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_PER_CHAT_INTERVAL_MS: "0",
    });
    fake.text(501, lan, "/help");
    // The announcement reaches Lan too: the help is the answer that is not it.
    await fake.until(
      () => fake.textsIn(501).some((text) => text !== "Thông báo đo đếm"),
      10_000,
      "the help",
    );
    await fake.until(
      () => fake.sent.filter((m) => m.text === "Thông báo đo đếm").length >= 6,
      15_000,
      "the announcement",
    );
    await new Promise((r) => setTimeout(r, 500));

    const response = await fetch(`${bot.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(value(text, 'thidua_updates_received_total{platform="telegram",result="stored"}')).toBe(
      1,
    );
    expect(value(text, 'thidua_updates_handled_total{platform="telegram",outcome="handled"}')).toBe(
      1,
    );
    expect(value(text, 'thidua_deliveries_total{platform="telegram",state="SENT"}')).toBe(6);
    expect(value(text, 'thidua_platform_429_total{platform="telegram"}')).toBe(1);
    expect(value(text, 'thidua_send_duration_seconds_count{platform="telegram"}')).toBe(7);
    expect(value(text, 'thidua_outbox_depth{platform="telegram"}')).toBe(Number.NaN);
    expect(text).toContain("# TYPE thidua_inbox_depth gauge");
    expect(text).toContain("# TYPE thidua_reminder_tick_duration_seconds histogram");
    expect(value(text, "thidua_process_resident_memory_bytes")).toBeGreaterThan(10_000_000);

    // Through a proxy (which names whom it forwards) it is not "this machine".
    const proxied = await fetch(`${bot.url}/metrics`, {
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    expect(proxied.status).toBe(401);
  }, 40_000);

  it("with METRICS_TOKEN: only a bearer of the token", async () => {
    fake = await new FakeTelegramApi().start();
    dir = await prepareDemoFolder();
    const token = "metrics-token-0123456789";
    bot = await startBotProcess(dir, {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      METRICS_TOKEN: token,
    });
    expect((await fetch(`${bot.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${bot.url}/metrics`, {
      headers: { authorization: "Bearer metrics-token-0123456780" },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${bot.url}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain("thidua_updates_received_total");
  }, 30_000);
});
