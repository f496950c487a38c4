import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
// @ts-expect-error: a plain .mjs build script, without type declarations
import { buildDist } from "../../scripts/build.mjs";
import { createDatabase, dropDatabase, scratchName } from "../../src/db/postgresDatabases.ts";
import { applyMigrations } from "../../src/db/schemaEngine.ts";

type TestDatabase =
  | { provider: "sqlite"; template: string }
  | { provider: "postgresql"; server: string; template: string };

declare module "vitest" {
  export interface ProvidedContext {
    testDatabase: TestDatabase;
    /** The bundled bot (`npm run build`'s output) that bot-process tests run. */
    builtBot: string;
  }
}

/**
 * Builds the bot as `npm start` and the container run it, into a folder of this run's
 * own (a second run beside it, or a bot started from dist/, is left alone).
 */
async function buildBot(project: TestProject): Promise<() => void> {
  const root = join(import.meta.dirname, "..", "..");
  mkdirSync(join(root, "test-artifacts"), { recursive: true });
  const out = mkdtempSync(join(root, "test-artifacts", "dist-"));
  await buildDist(out);
  project.provide("builtBot", join(out, "src", "main.js"));
  return () => rmSync(out, { recursive: true, force: true });
}

/**
 * Migrates one template database with the real migrations; each test copies it
 * (SQLite) or clones it (PostgreSQL, when TEST_DATABASE_URL is set), so every test
 * runs on a fresh, real database without paying for the engine.
 */
export default async function setup(project: TestProject) {
  const removeBot = await buildBot(project);
  const removeDatabase = await setupDatabase(project);
  return async () => {
    await removeDatabase();
    removeBot();
  };
}

async function setupDatabase(project: TestProject): Promise<() => unknown> {
  const server = process.env.TEST_DATABASE_URL;
  if (server) {
    const template = scratchName("thidua_t");
    const url = await createDatabase(server, template);
    await applyMigrations({ target: { provider: "postgresql", url } });
    project.provide("testDatabase", { provider: "postgresql", server, template });
    return async () => {
      // The clones are named after the template; drop what a test left behind.
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      const { rows } = await client.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE $1",
        [`${template}%`],
      );
      await client.end();
      for (const row of rows) await dropDatabase(server, row.datname);
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "thidua-template-"));
  const file = join(dir, "template.db");
  await applyMigrations({ target: { provider: "sqlite", file } });
  project.provide("testDatabase", { provider: "sqlite", template: file });
  return () => rmSync(dir, { recursive: true, force: true });
}
