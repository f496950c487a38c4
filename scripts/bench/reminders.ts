/*
 * The scheduler's tick on a large database: 2,000 units in 20 blocs, 100 campaigns,
 * 300 deadlines. The time and query count of a tick when nothing is due, and of a
 * tick that enqueues reminders for 500 units.
 */
import { ManualClock } from "../../src/core/clock.ts";
import { benchApp, report } from "./common.ts";

const BLOCS = 20;
/**
 * Bloc 1 is the big one: 550 units, 50 of which reported, so 500 are reminded
 * (with the argument "5000": 5,050 units, 5,000 reminded — the fan-out figure).
 */
const BIG = process.argv[2] === "5000" ? 5050 : 550;
const unitsIn = (bloc: number) => (bloc === 0 ? BIG : 76);
const CAMPAIGNS_PER_BLOC = 5;
const DEADLINES_PER_CAMPAIGN = 3;
const DAY = 86_400_000;

const clock = new ManualClock("2026-03-02T02:00:00Z"); // Monday 09:00 in Hanoi
const { app, queries } = await benchApp(clock);
const db = app.deps.db;

// Build the data with plain inserts, outside any tick.
for (let b = 0; b < BLOCS; b++) {
  const bloc = await db.bloc.create({ data: { name: `Khối ${b + 1}` } });
  await db.unit.createMany({
    data: Array.from({ length: unitsIn(b) }, (_, u) => ({
      blocId: bloc.id,
      name: `Đơn vị ${b + 1}.${u + 1}`,
    })),
  });
  const units = await db.unit.findMany({ where: { blocId: bloc.id } });
  for (const unit of units) {
    const member = await db.member.create({
      data: {
        blocId: bloc.id,
        unitId: unit.id,
        role: "FOCAL",
        displayName: `Cán bộ ${unit.id}`,
        accounts: { create: { platform: "telegram", platformUserId: String(unit.id) } },
      },
    });
    await db.chat.create({
      data: {
        platform: "telegram",
        platformChatId: String(unit.id),
        kind: "PRIVATE",
        blocId: bloc.id,
        unitId: member.unitId,
      },
    });
  }
  for (let c = 0; c < CAMPAIGNS_PER_BLOC; c++) {
    // Bloc 0's first campaign has a deadline 3 days ahead, where the first offset
    // falls due at the second tick; every other deadline is weeks or months away.
    const base = b === 0 && c === 0 ? 3 * DAY + 8 * 3_600_000 : (20 + c * 30 + b) * DAY;
    await db.campaign.create({
      data: {
        blocId: bloc.id,
        title: `Đợt thi đua ${c + 1}`,
        startsAt: new Date(clock.now().getTime() - DAY),
        endsAt: new Date(clock.now().getTime() + 400 * DAY),
        status: "ACTIVE",
        createdBy: "operator",
        deadlines: {
          create: Array.from({ length: DEADLINES_PER_CAMPAIGN }, (_, d) => ({
            dueAt: new Date(clock.now().getTime() + base + d * 30 * DAY),
          })),
        },
      },
    });
  }
}
// 50 of bloc 1's units already reported on the near deadline.
const near = await db.deadline.findFirstOrThrow({ orderBy: { dueAt: "asc" } });
const bloc0Units = await db.unit.findMany({ where: { blocId: 1 }, take: 50 });
const reporter = await db.member.findFirstOrThrow();
await db.report.createMany({
  data: bloc0Units.map((u) => ({
    unitId: u.id,
    deadlineId: near.id,
    memberId: reporter.id,
    status: "DONE",
    updatedAt: clock.now(),
  })),
});

async function measure(label: string) {
  const before = queries();
  const start = performance.now();
  const result = await app.services.reminders.tick();
  const ms = performance.now() - start;
  return { label, ms: Number(ms.toFixed(1)), result, queries: queries() - before };
}

const idle = await measure("nothing due");
clock.set(new Date(near.dueAt.getTime() - 3 * DAY + 60_000));
const busy = await measure(`${BIG - 50} units due`);
const idleAgain = await measure("nothing due again");
report("reminders-tick", {
  units: await db.unit.count(),
  blocs: BLOCS,
  campaigns: await db.campaign.count(),
  deadlines: await db.deadline.count(),
  idleMs: idle.ms,
  idleQueries: idle.queries,
  dueMs: busy.ms,
  dueQueries: busy.queries,
  remindedUnits: busy.result.remindedUnits,
  deliveries: await db.delivery.count(),
  idleAgainMs: idleAgain.ms,
  idleAgainQueries: idleAgain.queries,
});
await db.$disconnect();
