import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startBotProcess } from "../helpers/botProcess.ts";
import { createTestApp } from "../helpers/testApp.ts";

/*
 * The keys under DATA_DIR/keys sign download and photo links and hash invite codes.
 * A key file an operator truncated, emptied or edited used to be taken as it was (an
 * empty key signs links anyone can forge): the bot now refuses to start, in one line.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function dataFolder(): Promise<string> {
  const t = await createTestApp();
  await t.app.deps.db.$disconnect();
  dirs.push(t.dir);
  return t.dir;
}

describe("a key file that is not a key", () => {
  it.each([
    ["an empty link-signing key", "link-signing.key", "", "it is empty"],
    [
      "a link-signing key of text",
      "link-signing.key",
      "password123\n",
      "not all of them hexadecimal",
    ],
    ["an invite-code key of 16 bytes", "invite-code.key", "ab".repeat(16), "it holds 32 of them"],
  ])("stops the start with one clear line: %s", async (_name, file, content, says) => {
    const dir = await dataFolder();
    mkdirSync(join(dir, "keys"), { recursive: true, mode: 0o700 });
    const path = join(dir, "keys", file);
    writeFileSync(path, content, { mode: 0o600 });
    const bot = await startBotProcess(dir, {}, { waitForHealth: false });
    const end = await bot.exited;
    expect(end.code).toBe(1);
    const lines = bot.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(path);
    expect(lines[0]).toContain("64 hexadecimal characters");
    expect(lines[0]).toContain(says);
    // Left as it was, for the operator to restore.
    expect(readFileSync(path, "utf8")).toBe(content);
  });

  it("is made on the first start, 64 hex digits, and the same key is read on the next", async () => {
    const dir = await dataFolder();
    const first = await startBotProcess(dir, {});
    await first.stop();
    const key = readFileSync(join(dir, "keys", "link-signing.key"), "utf8");
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const second = await startBotProcess(dir, {});
    expect((await second.health()).status).toBe(200);
    await second.stop();
    expect(readFileSync(join(dir, "keys", "link-signing.key"), "utf8")).toBe(key);
  });
});
