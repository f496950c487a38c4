import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/*
 * The architecture in one test: only adapters know a platform, and only services
 * and src/db touch Prisma. Whoever breaks a boundary reads why here.
 */

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

const files = sourceFiles("src").map((path) => ({
  path: relative("src", path),
  imports: [...readFileSync(path, "utf8").matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1] ?? ""),
}));

describe("module boundaries", () => {
  it("only adapters (and the composition root, which builds them) import grammY or the Zalo client", () => {
    const offenders = files.filter(
      (f) =>
        !f.path.startsWith("adapters/") &&
        f.path !== "app.ts" &&
        f.imports.some(
          (i) => i.startsWith("grammy") || i.startsWith("@grammyjs") || i.includes("adapters/zalo"),
        ),
    );
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it("handlers and the core never import the database client or Prisma", () => {
    const offenders = files.filter(
      (f) =>
        (f.path.startsWith("core/") || f.path.endsWith("handlers.ts")) &&
        f.imports.some(
          (i) =>
            i.includes("generated/prisma") || i.includes("db/client") || i.startsWith("@prisma"),
        ),
    );
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it("only src/db imports the generated Prisma client itself", () => {
    const offenders = files.filter(
      (f) => !f.path.startsWith("db/") && f.imports.some((i) => i.includes("generated/prisma")),
    );
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it("adapters reach the bot only through the core's port, never a feature, a store or the app", () => {
    const offenders = files.filter(
      (f) =>
        f.path.startsWith("adapters/") &&
        f.imports.some((i) =>
          /(^|\/)(features|services|delivery|inbound|db|storage)\/|app\.ts$/.test(i),
        ),
    );
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it("no import runs upward: the core and config import no feature, store or adapter", () => {
    const offenders = files.filter(
      (f) =>
        (f.path.startsWith("core/") || f.path === "config.ts") &&
        f.imports.some((i) =>
          /(^|\/)(features|services|delivery|inbound|db|storage|adapters|http)\//.test(i),
        ),
    );
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it("nothing but src/config.ts reads process.env", () => {
    const offenders = sourceFiles("src").filter(
      (path) => !path.endsWith("config.ts") && readFileSync(path, "utf8").includes("process.env"),
    );
    expect(offenders).toEqual([]);
  });
});
