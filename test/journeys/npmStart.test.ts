import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config.ts";
import { copyTrackedFiles } from "../helpers/cleanCopy.ts";

/*
 * `npm start` as a new user runs it, on a fresh clone: scripts/start.mjs builds dist/
 * (it is missing), then runs the bundled bot: the console chat on a new SQLite file
 * with the demo bloc. The clone is a copy of the tracked files with this checkout's
 * installed packages beside it (what `npm install` would give it).
 */
function freshClone(): string {
  const copy = copyTrackedFiles("thidua-clone-");
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(copy, "node_modules"));
  // Written by `npm install` (postinstall), so not tracked.
  cpSync(join(PROJECT_ROOT, "src/generated"), join(copy, "src/generated"), { recursive: true });
  return copy;
}

describe("npm start", () => {
  it("builds the bot on a fresh clone and starts it into the console chat with the demo bloc", {
    timeout: 120_000,
  }, async () => {
    const clone = freshClone();
    const dir = mkdtempSync(join(tmpdir(), "thidua-start-"));
    try {
      expect(existsSync(join(clone, "dist"))).toBe(false);
      const child = spawn(process.execPath, ["scripts/start.mjs"], {
        cwd: clone,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          DATA_DIR: dir,
          DATABASE_URL: `file:${join(dir, "thidua.db")}`,
          HTTP_PORT: "0",
          LOG_LEVEL: "warn",
        },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.stdin.end("/progress\n/web\n:quit\n");
      const code = await new Promise<number | null>((done) => child.on("exit", done));
      expect(code).toBe(0);
      expect(stderr).toContain("building dist/");
      expect(existsSync(join(clone, "dist/src/main.js"))).toBe(true);
      expect(stdout).toContain("Khối thi đua các cơ quan Đảng tỉnh");
      expect(stdout).toContain("lead> /progress");
      expect(stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\/web\/login\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(clone, { recursive: true, force: true });
    }
  });
});
