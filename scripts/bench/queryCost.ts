/*
 * What one query costs through each path on a warm SQLite: Prisma's model API, its
 * plain-SQL API, the same plain SQL as services run it (the direct driver,
 * src/db/sqlDriver.ts), and a bare prepared better-sqlite3 statement; and 5,000 delivery rows by
 * `createMany` and by the multi-row insert the outbox uses (src/db/insertRows.ts).
 * The figures behind CONTRIBUTING's "Prisma where it is cheap enough" and "Plain SQL
 * skips Prisma" decisions.
 */
import Database from "better-sqlite3";
import { insertRows } from "../../src/db/insertRows.ts";
import { benchApp, report } from "./common.ts";

const { app, base, file } = await benchApp();
// Services hold the unit of work's client, whose plain SQL goes through the direct driver.
const db = app.deps.db;
const bloc = await db.bloc.create({ data: { name: "Khối" } });
const CALLS = 5000;

async function microseconds(call: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < 500; i++) await call(i);
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) await call(i);
  return Number((((performance.now() - started) / CALLS) * 1000).toFixed(1));
}

const raw = new Database(file);
const lookup = raw.prepare(`SELECT "id", "name" FROM "Bloc" WHERE "id" = ?`);
const perCall = {
  findUniqueUs: await microseconds(() => db.bloc.findUnique({ where: { id: bloc.id } })),
  queryRawUs: await microseconds(
    () => base.$queryRaw`SELECT "id", "name" FROM "Bloc" WHERE "id" = ${bloc.id}`,
  ),
  directSqlUs: await microseconds(
    () => db.$queryRaw`SELECT "id", "name" FROM "Bloc" WHERE "id" = ${bloc.id}`,
  ),
  directUpdateUs: await microseconds(
    (i) => db.$executeRaw`UPDATE "Bloc" SET "name" = ${`Khối ${i}`} WHERE "id" = ${bloc.id}`,
  ),
  updateUs: await microseconds((i) =>
    db.bloc.update({ where: { id: bloc.id }, data: { name: `Khối ${i}` } }),
  ),
  emptyTransactionUs: await microseconds(() => db.$transaction(async () => {})),
  preparedStatementUs: await microseconds(() => lookup.get(bloc.id)),
};
raw.close();

let key = 0;
const deliveries = () =>
  Array.from({ length: 5000 }, (_, i) => ({
    kind: "REMINDER",
    dedupeKey: `k${key++}`,
    blocId: bloc.id,
    platform: "telegram",
    platformChatId: String(i),
    chatKind: "PRIVATE",
    chatId: null,
    text: "⏰ Nhắc hạn báo cáo: Đợt thi đua 1. Đơn vị chưa báo cáo. Gửi /report.",
    photoKey: null,
    announcementId: null,
    nextAttemptAt: new Date(),
    createdAt: new Date(),
  }));
const timed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return Math.round(performance.now() - started);
};
const createManyRows = deliveries();
const insertedRows = deliveries();
report("query-cost-sqlite", {
  ...perCall,
  createMany5000Ms: await timed(() => db.delivery.createMany({ data: createManyRows })),
  insertRows5000Ms: await timed(() =>
    insertRows(db, "Delivery", Object.keys(insertedRows[0] ?? {}) as never[], insertedRows),
  ),
});
await db.$disconnect();
