/*
 * The floor for the inbound bench: the least a bot can do and keep the bot's own
 * guarantees for a quick photo report. grammY's Api, and for each update: stored
 * (durably) before the webhook's 200; then getFile and download; sharp decodes every
 * pixel (a small greyscale copy, as the bot's decoder); the photo written to a file
 * and fsynced; one transaction for the report; the update marked done; the reply.
 * No roles, deadlines, locales, Prisma or lanes. The inbound figure is a ratio to this.
 * env: TOKEN, API_ROOT, PORT, SECRET, DATA_DIR, DATABASE_URL (file:… or postgresql://…)
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { open } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Api } from "grammy";
import pg from "pg";
import sharp from "sharp";

const token = process.env.TOKEN ?? "";
const apiRoot = process.env.API_ROOT ?? "";
const secret = process.env.SECRET ?? "";
const url = process.env.DATABASE_URL ?? "";
const photos = join(process.env.DATA_DIR ?? ".", "floor-photos");
mkdirSync(photos, { recursive: true });
const api = new Api(token, { apiRoot });
sharp.concurrency(1);
sharp.cache(false);

/** The three statements, on SQLite (WAL, synchronous NORMAL, as the bot) or PostgreSQL. */
interface Store {
  stored(id: number, body: string): Promise<void>;
  report(userId: string, key: string, width: number): Promise<void>;
  done(id: number): Promise<void>;
}

function sqlite(file: string): Store {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(`CREATE TABLE IF NOT EXISTS up (id INTEGER PRIMARY KEY, body TEXT, done INTEGER DEFAULT 0);
    CREATE TABLE IF NOT EXISTS report (id INTEGER PRIMARY KEY, user TEXT, key TEXT, width INTEGER, at TEXT);
    CREATE TABLE IF NOT EXISTS evidence (id INTEGER PRIMARY KEY, report INTEGER, key TEXT)`);
  const insert = db.prepare("INSERT OR IGNORE INTO up (id, body) VALUES (?, ?)");
  const report = db.prepare("INSERT INTO report (user, key, width, at) VALUES (?, ?, ?, ?)");
  const evidence = db.prepare("INSERT INTO evidence (report, key) VALUES (?, ?)");
  const done = db.prepare("UPDATE up SET done = 1 WHERE id = ?");
  const tx = db.transaction((user: string, key: string, width: number) => {
    const { lastInsertRowid } = report.run(user, key, width, new Date().toISOString());
    evidence.run(lastInsertRowid, key);
  });
  return {
    stored: async (id, body) => void insert.run(id, body),
    report: async (user, key, width) => tx(user, key, width),
    done: async (id) => void done.run(id),
  };
}

async function postgres(connectionString: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString, max: 4 });
  await pool.query(`CREATE TABLE IF NOT EXISTS up (id BIGINT PRIMARY KEY, body TEXT, done BOOLEAN DEFAULT false);
    CREATE TABLE IF NOT EXISTS report (id SERIAL PRIMARY KEY, "user" TEXT, key TEXT, width INT, at TIMESTAMPTZ);
    CREATE TABLE IF NOT EXISTS evidence (id SERIAL PRIMARY KEY, report INT, key TEXT)`);
  return {
    stored: async (id, body) =>
      void (await pool.query("INSERT INTO up (id, body) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
        id,
        body,
      ])),
    report: async (user, key, width) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const { rows } = await client.query(
          `INSERT INTO report ("user", key, width, at) VALUES ($1, $2, $3, now()) RETURNING id`,
          [user, key, width],
        );
        await client.query("INSERT INTO evidence (report, key) VALUES ($1, $2)", [rows[0].id, key]);
        await client.query("COMMIT");
      } finally {
        client.release();
      }
    },
    done: async (id) => void (await pool.query("UPDATE up SET done = true WHERE id = $1", [id])),
  };
}

const store = url.startsWith("postgres") ? await postgres(url) : sqlite(url.replace(/^file:/, ""));

interface PhotoUpdate {
  update_id: number;
  message?: { chat: { id: number }; photo?: { file_id: string }[] };
}

async function handle(update: PhotoUpdate): Promise<void> {
  const message = update.message;
  const photo = message?.photo?.at(-1);
  if (!message || !photo) return store.done(update.update_id);
  const file = await api.getFile(photo.file_id);
  const response = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const meta = await sharp(bytes, { failOn: "error" }).metadata();
  await sharp(bytes, { failOn: "error", sequentialRead: true })
    .greyscale()
    .resize(256, 256, { fit: "inside" })
    .raw()
    .toBuffer();
  const key = `${randomUUID()}.jpg`;
  const handle = await open(join(photos, key), "wx");
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await store.report(String(message.chat.id), key, meta.width ?? 0);
  await store.done(update.update_id);
  await api.sendMessage(message.chat.id, "Đã ghi nhận báo cáo.");
}

const server = createServer((req, res) => {
  if (req.headers["x-telegram-bot-api-secret-token"] !== secret) {
    res.writeHead(401).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const update = JSON.parse(body) as PhotoUpdate;
    store.stored(update.update_id, body).then(
      () => {
        res.writeHead(200).end();
        handle(update).catch((error: unknown) => console.error(error));
      },
      () => res.writeHead(500).end(),
    );
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("ready\n"));
