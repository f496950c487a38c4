/*
 * The baseline for start-up and idle figures: a bare grammY process that opens the
 * bot's SQLite file (counting its units) and serves /healthz, and nothing else. Plain
 * JavaScript, so that no loader weighs on its start.
 * env: DATABASE_URL (file:…), HTTP_PORT, TELEGRAM_BOT_TOKEN
 */
import { createServer } from "node:http";
import Database from "better-sqlite3";
import { Bot } from "grammy";

const db = new Database((process.env.DATABASE_URL ?? "").replace(/^file:/, ""));
db.pragma("journal_mode = WAL");
const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN ?? "1:bare");
const units = db.prepare("SELECT count(*) AS n FROM Unit").get();
createServer((req, res) => {
  if (req.url !== "/healthz") return void res.writeHead(404).end();
  db.prepare("SELECT 1").get();
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ ok: true, units: units.n, bot: Boolean(bot.token) }));
}).listen(Number(process.env.HTTP_PORT), "127.0.0.1");
