import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config.ts";

/*
 * `npm start` as a new user runs it: scripts/start.mjs builds dist/ when it is missing
 * or older than the sources, then runs the compiled bot: the console chat on a new
 * SQLite file with the demo bloc.
 */
describe("npm start", () => {
  it("starts the compiled bot into the console chat with the demo bloc", {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "thidua-start-"));
    try {
      const child = spawn(process.execPath, ["scripts/start.mjs"], {
        cwd: PROJECT_ROOT,
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
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
      });
      child.stdin.end("/progress\n/web\n:quit\n");
      const code = await new Promise<number | null>((done) => child.on("exit", done));
      expect(code).toBe(0);
      expect(stdout).toContain("Khối thi đua các cơ quan Đảng tỉnh");
      expect(stdout).toContain("lead> /progress");
      expect(stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\/web\/login\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
