/*
 * The baseline for the inbound bench: a bare grammY bot in its own process doing the
 * same platform I/O as a quick photo report — getFile, download the photo, reply —
 * and nothing else (no database, no checks).
 * env: TOKEN, API_ROOT, PORT, SECRET
 */
import { createServer } from "node:http";
import { Bot, webhookCallback } from "grammy";

const token = process.env.TOKEN ?? "";
const apiRoot = process.env.API_ROOT ?? "";
const bot = new Bot(token, { client: { apiRoot } });
await bot.init();
bot.on("message:photo", async (ctx) => {
  const photo = ctx.message.photo.at(-1);
  if (!photo) return;
  const file = await ctx.api.getFile(photo.file_id);
  const response = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`);
  await response.arrayBuffer();
  await ctx.reply("ok");
});
const server = createServer(
  webhookCallback(bot, "http", { secretToken: process.env.SECRET ?? "" }),
);
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("ready\n"));
