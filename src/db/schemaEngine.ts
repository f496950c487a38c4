import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import Database from "better-sqlite3";
import { fromProject } from "../config.ts";

/*
 * The one module that talks to Prisma's schema engine. It runs the engine compiled
 * to WebAssembly (@prisma/schema-engine-wasm, pinned exactly in package.json)
 * through the SQLite driver adapter, because the CLI's native engine is downloaded
 * from a host our machines cannot reach. The package is internal to Prisma: keep
 * every use of it here so that an upgrade touches one file (and its test).
 */

const require = createRequire(import.meta.url);

type EngineModule = typeof import("@prisma/schema-engine-wasm");
type WasmExports = Record<string, unknown>;

// @types/node for Node 20 does not declare WebAssembly; this is the part we use.
declare const WebAssembly: {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: WasmExports } }>;
};

let engineModule: Promise<EngineModule> | undefined;

/** Loads the engine without --experimental-wasm-modules: instantiate the .wasm ourselves. */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const bg = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as EngineModule & {
      __wbg_set_wasm(exports: WasmExports): void;
    };
    const wasmPath = join(
      resolve(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"), ".."),
      "schema_engine_bg.wasm",
    );
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {
      "./schema_engine_bg.js": bg,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return engineModule;
}

export const SCHEMA_PATH = fromProject("prisma/schema.prisma");
export const MIGRATIONS_DIR = fromProject("prisma/migrations");

export interface EngineOptions {
  /** Path of the SQLite database file. */
  databaseFile: string;
  schemaPath?: string;
  migrationsDir?: string;
}

/** Runs `work` with an engine on the database, then frees it and closes its connections. */
async function withEngine<T>(
  options: EngineOptions,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const mod = await loadEngineModule();
  const schemaPath = options.schemaPath ?? SCHEMA_PATH;
  mkdirSync(dirname(options.databaseFile), { recursive: true });
  // The busy timeout lets a migration wait for a running bot's write to finish.
  const factory = new PrismaBetterSqlite3({ url: options.databaseFile, timeout: 10_000 });
  // The engine never closes what it opens; a leftover connection would hold
  // SQLite's lock against the bot's own client, so track and dispose them.
  const opened: SqlDriverAdapter[] = [];
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
  const noopLog = () => {};
  const engine = await mod.SchemaEngine.new(
    { datamodels: [[schemaPath, readFileSync(schemaPath, "utf8")]] },
    noopLog,
    bindMigrationAwareSqlAdapterFactory(tracking),
  );
  try {
    return await work(engine);
  } finally {
    engine.free();
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

export function readMigrations(migrationsDir: string = MIGRATIONS_DIR): MigrationList {
  const dirs = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = join(migrationsDir, "migration_lock.toml");
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => {
      const file = join(migrationsDir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: existsSync(file)
            ? { tag: "ok", value: readFileSync(file, "utf8") }
            : { tag: "error", value: `missing ${file}` },
        },
      };
    }),
  } as MigrationList;
}

/**
 * The migrations not yet applied to the database, read from `_prisma_migrations`
 * with a plain connection: no engine, no exclusive lock, so it is safe beside a
 * running bot.
 */
export function pendingMigrations(options: EngineOptions): string[] {
  const all = readMigrations(options.migrationsDir).migrationDirectories.map((d) => d.path);
  if (!existsSync(options.databaseFile)) return all;
  const db = new Database(options.databaseFile, { readonly: true, timeout: 5_000 });
  try {
    const table = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'",
      )
      .get();
    if (!table) return all;
    const applied = new Set(
      (
        db
          .prepare(
            "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
          )
          .all() as { migration_name: string }[]
      ).map((r) => r.migration_name),
    );
    return all.filter((name) => !applied.has(name));
  } finally {
    db.close();
  }
}

/**
 * Applies pending migrations; idempotent. Returns the names it applied. The engine
 * (which asks SQLite for an exclusive lock) is loaded only when there is work.
 */
export async function applyMigrations(options: EngineOptions): Promise<string[]> {
  if (pendingMigrations(options).length === 0) return [];
  return withEngine(options, async (engine) => {
    const out = await engine.applyMigrations({
      migrationsList: readMigrations(options.migrationsDir),
      filters: NO_FILTERS,
    });
    return out.appliedMigrationNames;
  });
}

/**
 * Applies every migration to `databaseFile` (a throw-away scratch file), then
 * answers the SQL that would bring it to schema.prisma: empty when they agree.
 */
export function diffSchemaAgainstMigrations(options: EngineOptions): Promise<string> {
  return withEngine(options, async (engine) => {
    await engine.applyMigrations({
      migrationsList: readMigrations(options.migrationsDir),
      filters: NO_FILTERS,
    });
    const schemaPath = options.schemaPath ?? SCHEMA_PATH;
    const files = [{ path: schemaPath, content: readFileSync(schemaPath, "utf8") }];
    const result = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: resolve(schemaPath, "..") },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    return result.exitCode === 2 ? (result.stdout ?? "") : "";
  });
}
