import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { DAY, ManualClock } from "../../src/core/clock.ts";
import type { Db } from "../../src/db/client.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { FakeTelegramApi, type FakeUser } from "../fakes/telegramApi.ts";
import {
  type BotProcess,
  botEnv,
  freePort,
  runScript,
  startBotProcess,
} from "../helpers/botProcess.ts";
import { createTestApp } from "../helpers/testApp.ts";
import { databaseUrlOf } from "../helpers/testDatabase.ts";

/*
 * The secret ballot against the bot as operators run it (the bundle, in its own
 * process, on fake Telegram): every table and every log line read after the ballot,
 * two ballots whose voters swapped their choices leave the same store, and a SIGKILL
 * while votes arrive loses and doubles none.
 */

let fake: FakeTelegramApi;
let bots: BotProcess[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const bot of bots) await bot.stop();
  bots = [];
  await fake?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

const voter = (i: number): FakeUser => ({ id: 601 + i, first_name: `Đầu mối ${i}` });
const chatOf = (i: number) => 601 + i;

/** The demo bloc with a Telegram focal point in each of its seven units and a ballot open. */
async function prepare(): Promise<{ dir: string; candidates: { id: number; name: string }[] }> {
  // Seeded on today's date, as the bot runs on the real clock: seeded in March, every
  // deadline would be overdue and the scheduler's minute tick (once in one run, not in
  // the other) would make two runs' stores differ for a reason that is not the ballot.
  const t = await createTestApp({ clock: new ManualClock(new Date().toISOString()) });
  const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  for (let i = 0; i < 7; i++) {
    await t.app.services.membership.join(
      { platform: "telegram", platformChatId: String(chatOf(i)), kind: "PRIVATE" },
      { platformUserId: String(voter(i).id), displayName: voter(i).first_name },
      invites[i]?.code ?? "",
      "vi",
    );
  }
  const units = await t.app.services.blocs.listUnits(1);
  const candidates = units.slice(1, 4).map((u) => ({ id: u.id, name: u.name }));
  await t.app.services.ballots.open(
    1,
    {
      question: "Suy tôn đơn vị dẫn đầu Khối năm 2026",
      candidates: candidates.map((c) => c.id),
      choose: 1,
      closesAt: new Date(t.clock.now().getTime() + 3 * DAY),
    },
    "operator",
  );
  await t.app.deps.db.$disconnect();
  dirs.push(t.dir);
  return { dir: t.dir, candidates };
}

async function bot(dir: string, env: Record<string, string> = {}) {
  const started = await startBotProcess(dir, {
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    INBOX_RETRY_BASE_MS: "200",
    LOG_LEVEL: "trace",
    ...env,
  });
  bots.push(started);
  return started;
}

const recorded = (i: number) =>
  fake.textsIn(chatOf(i)).filter((t) => t.includes("Đã ghi phiếu kín") || t.includes("Đã đổi"));

/** A voter answers /bophieu, the candidate's number, and "1" (cast), each after the last reply. */
async function voteInTurn(i: number, pick: number) {
  for (const text of ["/bophieu", String(pick), "1"]) {
    const before = fake.textsIn(chatOf(i)).length;
    fake.text(chatOf(i), voter(i), text);
    await fake.until(() => fake.textsIn(chatOf(i)).length > before, 10_000, `a reply to ${text}`);
  }
}

async function admin(dir: string, args: string[]) {
  const run = await runScript("scripts/admin.ts", args, botEnv(dir, await freePort(), {}));
  if (run.code !== 0) throw new Error(`admin ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
}

async function openDb(dir: string): Promise<Db> {
  const t = await createTestApp({ dir });
  return t.app.deps.db;
}

/** Every row of every table, in the order the database returns them (no ORDER BY). */
async function everyRow(db: Db): Promise<Record<string, Record<string, unknown>[]>> {
  const postgres = databaseUrlOf(dirs.at(-1) ?? "").startsWith("postgres");
  const tables = postgres
    ? await db.$queryRawUnsafe<{ name: string }[]>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      )
    : await db.$queryRawUnsafe<{ name: string }[]>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
      );
  const rows: Record<string, Record<string, unknown>[]> = {};
  for (const { name } of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    rows[name] = await db.$queryRawUnsafe(`SELECT * FROM "${name}"`);
  }
  return rows;
}

/** What differs between two runs for reasons other than the votes: times, keys, random ids. */
function normalise(value: unknown, key = ""): unknown {
  if (value instanceof Date) return "<time>";
  if (typeof value === "bigint") return normalise(Number(value), key);
  if (/(At|^at|date|expires|Until|heartbeat|receivedAt)$/i.test(key)) return "<time>";
  // The fake's message ids count every send, and announcements interleave with replies.
  if (/^(platformMessageId|message_id|messageId)$/.test(key)) return "<message>";
  if (typeof value === "string") {
    if (/^[[{]/.test(value)) {
      try {
        return normalise(JSON.parse(value), key);
      } catch {}
    }
    if (/(hash|codeHash|tokenHash|owner|holder|instance|lease)/i.test(key)) return "<random>";
    return value
      .replace(/\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/g, "<time>")
      .replace(/[A-Za-z0-9+/=_-]{32,}/g, "<random>");
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, key));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  }
  return value;
}

/** Runs a whole ballot: units vote in turn (the last abstains, unit 3 changes), then it is closed. */
async function runBallot(picks: number[], change: { voter: number; to: number }) {
  const { dir, candidates } = await prepare();
  const running = await bot(dir);
  for (const [i, pick] of picks.entries()) await voteInTurn(i, pick);
  await voteInTurn(change.voter, change.to);
  const shown = await admin(dir, ["ballot", "close", "1", "--json"]);
  await fake.until(
    () => fake.textsIn(chatOf(6)).some((t) => t.includes("Kết quả bỏ phiếu kín")),
    15_000,
    "the result announced to every unit",
  );
  await running.stop();
  const db = await openDb(dir);
  const rows = await everyRow(db);
  await db.$disconnect();
  return { dir, candidates, rows, log: running.output(), shown: JSON.parse(shown).result };
}

describe("the secret ballot, read from the store and the logs", () => {
  it("keeps who voted apart from what they chose, everywhere", async () => {
    fake = await new FakeTelegramApi().start();
    // Candidates 1, 2, 3 on the ballot; units 0–5 vote, unit 6 abstains; unit 3 changes 2 → 1.
    const run = await runBallot([1, 2, 1, 2, 3, 1], { voter: 3, to: 1 });
    expect(run.shown).toMatchObject({
      status: "CLOSED",
      eligible: 7,
      voted: 6,
      rounds: [
        {
          valid: true,
          votes: {
            [run.candidates[0]?.name ?? ""]: 4,
            [run.candidates[1]?.name ?? ""]: 1,
            [run.candidates[2]?.name ?? ""]: 1,
          },
          elected: [run.candidates[0]?.name],
        },
      ],
    });
    const { rows } = run;
    // Who voted: the unit and who cast it, nothing more.
    expect(rows.BallotVoter?.length).toBe(6);
    for (const row of rows.BallotVoter ?? []) {
      expect(Object.keys(row).sort()).toEqual(["ballotId", "memberId", "round", "unitId"]);
    }
    // What was chosen: counts per candidate, in the ballot's order; the box and its key gone.
    expect(rows.BallotCount?.map((r) => Number(r.votes))).toEqual([4, 1, 1]);
    expect(rows.Ballot?.[0]).toMatchObject({ box: null, salt: null, status: "CLOSED" });
    // The voters' updates are kept without what they said; no reply, no form is left.
    const voterChats = new Set([...Array(7).keys()].map((i) => String(chatOf(i))));
    const updates = (rows.InboundUpdate ?? []).filter((u) =>
      voterChats.has(String(u.chatKey).split(":").at(-1) ?? ""),
    );
    expect(updates.length).toBe(6 * 3 + 3);
    for (const update of updates) {
      const payload = JSON.parse(String(update.payload));
      expect(payload.message?.text ?? payload.callback_query?.data).toBe("");
      expect(update.replies).toBeNull();
    }
    expect(rows.ConversationState).toEqual([]);
    // No audit line and no message names a unit's choice.
    const audit = JSON.stringify(rows.AuditEvent);
    expect(audit).not.toMatch(/ballot_(cast|vote)/);
    for (const delivery of rows.Delivery ?? []) {
      expect(String(delivery.text)).not.toContain("Bạn chọn");
    }
    // Every log line (trace level) read: the announcements name the candidates, but no
    // line that names a voter (chat, account, name) names a candidate or a choice.
    const lines = run.log.split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(10);
    const voters = [...Array(7).keys()].flatMap((i) => [String(chatOf(i)), voter(i).first_name]);
    for (const line of lines) {
      expect(line).not.toContain("Bạn chọn");
      for (const c of run.candidates) expect(line).not.toMatch(new RegExp(`["':]t${c.id}\\b`));
      if (!voters.some((v) => line.includes(v))) continue;
      for (const c of run.candidates) expect(line).not.toContain(c.name);
    }
  }, 120_000);

  it("leaves the same store when two units swap their choices", async () => {
    fake = await new FakeTelegramApi().start();
    const first = await runBallot([1, 2, 1, 2, 3, 1], { voter: 3, to: 1 });
    await fake.stop();
    fake = await new FakeTelegramApi().start();
    // Units 0 and 1 swap (1 ↔ 2); the counts are the same.
    const second = await runBallot([2, 1, 1, 2, 3, 1], { voter: 3, to: 1 });
    expect(second.shown.rounds).toEqual(
      first.shown.rounds.map((r: object) => ({ ...r, closedAt: expect.any(String) })),
    );
    // The outbox's rows are rewritten as each is sent, several at once: on PostgreSQL
    // their physical order is the sender's pace. They are the same public messages to
    // the same chats in both runs, compared in their key's order; every other table
    // in the order the database returns it.
    const sent = (rows: typeof first.rows) => ({
      ...rows,
      Delivery: [...(rows.Delivery ?? [])].sort((a, b) =>
        String(a.dedupeKey).localeCompare(String(b.dedupeKey)),
      ),
    });
    expect(normalise(sent(second.rows))).toEqual(normalise(sent(first.rows)));
  }, 180_000);
});

describe("a bot killed with SIGKILL while votes arrive", () => {
  it("loses no vote and counts none twice", async () => {
    fake = await new FakeTelegramApi().start();
    const { dir, candidates } = await prepare();
    const first = await bot(dir, { LOG_LEVEL: "warn" });
    const picks = [1, 2, 1, 3, 1, 2, 1];
    // Every voter's three answers at once, as a meeting room votes together.
    for (const [i, pick] of picks.entries()) {
      for (const text of ["/bophieu", String(pick), "1"]) fake.text(chatOf(i), voter(i), text);
    }
    await fake.until(
      () => picks.filter((_, i) => recorded(i).length > 0).length >= 2,
      20_000,
      "two votes recorded",
    );
    first.child.kill("SIGKILL");
    const end = await first.exited;
    expect(end.signal).toBe("SIGKILL");
    const before = picks.filter((_, i) => recorded(i).length > 0).length;

    await bot(dir, { LOG_LEVEL: "warn" });
    await fake.until(
      () => picks.every((_, i) => recorded(i).length > 0),
      30_000,
      "every vote recorded after the restart",
    );
    const shown = JSON.parse(await admin(dir, ["ballot", "close", "1", "--json"])).result;
    expect(shown.voted).toBe(7);
    expect(shown.rounds[0].votes).toEqual({
      [candidates[0]?.name ?? ""]: 4,
      [candidates[1]?.name ?? ""]: 2,
      [candidates[2]?.name ?? ""]: 1,
    });
    // A reply in flight at the kill may arrive twice; a vote never counts twice.
    for (const [i] of picks.entries()) expect(recorded(i).length).toBeLessThanOrEqual(2);
    console.info(
      `ballot kill: ${before} of 7 votes answered before the kill, all 7 counted once after restart`,
    );
  }, 120_000);
});
