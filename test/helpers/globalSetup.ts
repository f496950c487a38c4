import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../../src/db/schemaEngine.ts";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

/**
 * Migrates one template database with the real migrations; each test copies it,
 * so every test runs on a fresh, real SQLite file without paying for the engine.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "thidua-template-"));
  const file = join(dir, "template.db");
  await applyMigrations({ databaseFile: file });
  project.provide("templateDatabase", file);
  return () => rmSync(dir, { recursive: true, force: true });
}
