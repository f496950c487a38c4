/*
 * /progress for a long campaign: 100 units × 1,000 deadlines (80,000 reports), asked
 * by the lead through the console chat (router, services, SQLite): median of 5
 * after a warm-up, and how many SQL statements one /progress runs.
 */
import { DAY } from "../../src/core/clock.ts";
import { benchApp, largeBloc, percentile, report } from "./common.ts";

const UNITS = 100;
const DEADLINES = 1000;

const { app, queries } = await benchApp();
const db = app.deps.db;
const bloc = await largeBloc(app, UNITS);
const now = Date.now();
const campaign = await db.campaign.create({
  data: {
    blocId: bloc.id,
    title: "Báo cáo hằng ngày",
    startsAt: new Date(now - 600 * DAY),
    endsAt: new Date(now + 600 * DAY),
    status: "ACTIVE",
    createdBy: "operator",
    deadlines: {
      create: Array.from({ length: DEADLINES }, (_, i) => ({
        dueAt: new Date(now + (i - 500) * DAY),
      })),
    },
  },
  include: { deadlines: true },
});
const lead = await db.member.create({
  data: { blocId: bloc.id, role: "LEAD", displayName: "lead" },
});
await db.account.create({
  data: { memberId: lead.id, platform: "console", platformUserId: "lead" },
});
const units = await db.unit.findMany({ where: { blocId: bloc.id }, select: { id: true } });
const rows = [];
for (const unit of units) {
  for (const [i, deadline] of campaign.deadlines.entries()) {
    if ((unit.id + i) % 5 === 0) continue;
    rows.push({
      unitId: unit.id,
      deadlineId: deadline.id,
      memberId: lead.id,
      status: ["DONE", "IN_PROGRESS", "NOT_STARTED"][i % 3] as string,
      late: i % 7 === 0,
    });
  }
}
for (let i = 0; i < rows.length; i += 5000)
  await db.report.createMany({ data: rows.slice(i, i + 5000) });

const chat = app.consoleChat("lead");
const times: number[] = [];
let statements = 0;
let length = 0;
for (let run = 0; run < 6; run++) {
  const before = queries();
  const started = performance.now();
  const replies = await chat.send(`/progress ${campaign.id}`);
  const ms = performance.now() - started;
  if (run > 0) times.push(ms);
  statements = queries() - before;
  length = replies.map((r) => r.text).join("\n").length;
}
times.sort((a, b) => a - b);
report("progress", {
  units: UNITS,
  deadlines: DEADLINES,
  reports: rows.length,
  p50Ms: Math.round(percentile(times, 50)),
  maxMs: Math.round(times.at(-1) ?? 0),
  statements,
  replyChars: length,
});
await db.$disconnect();
