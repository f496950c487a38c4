import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/*
 * The house's boundaries are lint rules (biome.json's overrides, each with its
 * reason), checked on every file, .ts and .tsx, by `npm run check`. These tests
 * prove the rules bite: each probe breaks one boundary at the path it names, and
 * Biome, with the project's own configuration, must refuse it with that reason.
 */

const biome = resolve("node_modules/.bin/biome");
const scratch = mkdtempSync(join(tmpdir(), "thidua-boundaries-"));
const config = JSON.parse(readFileSync("biome.json", "utf8"));
// The scratch folder is no git checkout: the configuration without its VCS part.
writeFileSync(join(scratch, "biome.json"), JSON.stringify({ ...config, vcs: undefined }));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Lints one probe file at `path` (as if it were in the project) and answers Biome's output. */
function lint(path: string, source: string): { ok: boolean; output: string } {
  const file = join(scratch, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
  const run = spawnSync(biome, ["lint", path], { cwd: scratch, encoding: "utf8" });
  rmSync(file);
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

describe("module boundaries (lint rules)", () => {
  it("only adapters know a platform: a feature or a page importing grammY is refused", () => {
    for (const path of ["src/features/review/probe.ts", "src/web/pages/probe.tsx"]) {
      const result = lint(path, 'import { Bot } from "grammy";\nexport const probe = Bot;\n');
      expect(result.ok, path).toBe(false);
      expect(result.output).toContain("Only an adapter knows a platform");
    }
  });

  it("only src/db opens the database: a page importing the generated client is refused", () => {
    const result = lint(
      "src/web/pages/probe.tsx",
      'import { PrismaClient } from "../../generated/prisma/client.ts";\nexport const probe = PrismaClient;\n',
    );
    expect(result.ok).toBe(false);
    expect(result.output).toContain("Only src/db opens the database");
    expect(
      lint(
        "src/db/probe.ts",
        'import { PrismaClient } from "../generated/prisma/client.ts";\nexport const probe = PrismaClient;\n',
      ).ok,
    ).toBe(true);
  });

  it("handlers never touch the database client", () => {
    const result = lint(
      "src/features/review/handlers.ts",
      'import type { Db } from "../../db/client.ts";\nexport type Probe = Db;\n',
    );
    expect(result.ok).toBe(false);
    expect(result.output).toContain("Handlers decide what to answer");
  });

  it("adapters reach the bot only through the core's port", () => {
    const result = lint(
      "src/adapters/telegram/probe.ts",
      'import { ReviewService } from "../../features/review/service.ts";\nexport const probe = ReviewService;\n',
    );
    expect(result.ok).toBe(false);
    expect(result.output).toContain("An adapter reaches the bot only through src/core/port.ts");
    expect(
      lint(
        "src/adapters/telegram/probe.ts",
        'import type { ChatAdapter } from "../../core/adapter.ts";\nexport type Probe = ChatAdapter;\n',
      ).ok,
    ).toBe(true);
  });

  it("the core imports nothing above it, dynamic imports included", () => {
    const result = lint(
      "src/core/probe.ts",
      'export const probe = () => import("../features/review/service.ts");\n',
    );
    expect(result.ok).toBe(false);
    expect(result.output).toContain("src/core is the floor every room stands on");
  });

  it("nothing but src/config.ts reads process.env", () => {
    const source = "export const probe = process.env.PROBE;\n";
    expect(lint("src/features/review/probe.ts", source).ok).toBe(false);
    expect(lint("src/config.ts", source).ok).toBe(true);
  });
});
