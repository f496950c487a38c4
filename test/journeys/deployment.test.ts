import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config.ts";
import { freePort } from "../helpers/botProcess.ts";
import { copyTrackedFiles } from "../helpers/cleanCopy.ts";

/*
 * No Docker engine runs here, so the Dockerfile is checked by doing what it does:
 * its build stage's RUN lines on a clean copy of the tracked files, then its CMD with
 * the image's environment, then its HEALTHCHECK.
 */

function dockerfile() {
  const text = readFileSync(join(PROJECT_ROOT, "Dockerfile"), "utf8").replace(/\\\n\s*/g, "");
  const stages = text.split(/^FROM /m).slice(1);
  const build = stages[0] ?? "";
  const runtime = stages.at(-1) ?? "";
  const runs = [...build.matchAll(/^RUN (.+)$/gm)].map((m) => m[1] ?? "");
  // The exec form's JSON array at the end of a CMD or HEALTHCHECK line.
  const json = (keyword: string): string[] => {
    const array = new RegExp(`^${keyword} .*?(\\[.*\\])\\s*$`, "m").exec(runtime)?.[1];
    return array ? (JSON.parse(array) as string[]) : [];
  };
  const env = Object.fromEntries(
    [...(/^ENV (.+)$/m.exec(runtime)?.[1] ?? "").matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]),
  );
  return { runs, cmd: json("CMD"), healthcheck: json("HEALTHCHECK"), env };
}

describe("the Dockerfile's commands, run on the host from a clean copy", () => {
  it("build the bot, drop the dev tools, start it with the image's settings, and pass the health check", {
    timeout: 300_000,
  }, async () => {
    const { runs, cmd, healthcheck, env } = dockerfile();
    expect(runs).toEqual([
      "npm ci --no-audit --no-fund",
      "npm run build",
      "npm prune --omit=dev --no-audit --no-fund",
    ]);
    expect(cmd).toEqual(["node", "dist/src/main.js"]);
    const copy = copyTrackedFiles("thidua-image-");
    const data = mkdtempSync(join(tmpdir(), "thidua-image-data-"));
    try {
      for (const run of runs) execFileSync("sh", ["-c", run], { cwd: copy, stdio: "ignore" });
      // The dev tools are gone (typescript stays: @prisma/client and i18next ask for it).
      for (const tool of ["tsx", "vitest", "@biomejs/biome", "playwright-core"]) {
        expect(existsSync(join(copy, "node_modules", tool))).toBe(false);
      }

      const port = await freePort();
      const runtimeEnv = {
        PATH: process.env.PATH ?? "",
        ...env,
        DATA_DIR: data,
        DATABASE_URL: `file:${join(data, "thidua.db")}`,
        HTTP_PORT: String(port),
        HTTP_HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
      };
      const [command = "node", ...args] = cmd;
      const bot = spawn(command === "node" ? process.execPath : command, args, {
        cwd: copy,
        env: runtimeEnv,
        stdio: "ignore",
      });
      try {
        let healthy = false;
        for (let i = 0; i < 300 && !healthy; i++) {
          healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
            (r) => r.status === 200,
            () => false,
          );
          if (!healthy) await new Promise((r) => setTimeout(r, 100));
        }
        expect(healthy).toBe(true);
        expect((await fetch(`http://127.0.0.1:${port}/web/app.css`)).status).toBe(200);
        const [check = "node", ...checkArgs] = healthcheck;
        execFileSync(check === "node" ? process.execPath : check, checkArgs, {
          env: runtimeEnv,
          stdio: "ignore",
        });
      } finally {
        bot.kill("SIGTERM");
        await new Promise((r) => bot.once("exit", r));
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    }
  });
});
