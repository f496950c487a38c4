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
import { MIGRATIONS_DIRS, type Provider, SCHEMA_PATH, schemaFor } from "./providers.ts";
import type { DatabaseTarget } from "./target.ts";

/*
 * The one module that talks to Prisma's schema engine. It runs the engine compiled
 * to WebAssembly (@prisma/schema-engine-wasm, pinned exactly in package.json)
 * through the SQLite or the PostgreSQL driver adapter, because the CLI's native engine is downloaded
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

export { SCHEMA_PATH };

export interface EngineOptions {
  target: DatabaseTarget;
  schemaPath?: string;
  /** The provider's own folder by default. */
  migrationsDir?: string;
}

const migrationsDirOf = (options: EngineOptions) =>
  options.migrationsDir ?? MIGRATIONS_DIRS[options.target.provider];

async function adapterFactory(
  target: DatabaseTarget,
): Promise<SqlMigrationAwareDriverAdapterFactory> {
  // PostgreSQL's driver is loaded only for a PostgreSQL target: not on a SQLite start.
  if (target.provider === "postgresql") {
    return (await import("./postgresEngineAdapter.ts")).postgresEngineAdapter(target.url);
  }
  mkdirSync(dirname(target.file), { recursive: true });
  // The busy timeout lets a migration wait for a running bot's write to finish.
  return new PrismaBetterSqlite3({ url: target.file, timeout: 10_000 });
}

/** Runs `work` with an engine on the database, then frees it and closes its connections. */
async function withEngine<T>(
  options: EngineOptions,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const mod = await loadEngineModule();
  const schemaPath = options.schemaPath ?? SCHEMA_PATH;
  const factory = await adapterFactory(options.target);
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
    { datamodels: [[schemaPath, schemaFor(options.target.provider, schemaPath)]] },
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

export function readMigrations(migrationsDir: string = MIGRATIONS_DIRS.sqlite): MigrationList {
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

const APPLIED_SQL =
  "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL";

/** Names of applied migrations; null when the database has no migrations table yet. */
async function appliedMigrations(target: DatabaseTarget): Promise<Set<string> | null> {
  if (target.provider === "sqlite") {
    if (!existsSync(target.file)) return null;
    const db = new Database(target.file, { readonly: true, timeout: 5_000 });
    try {
      const table = db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'",
        )
        .get();
      if (!table) return null;
      return new Set(
        (db.prepare(APPLIED_SQL).all() as { migration_name: string }[]).map(
          (r) => r.migration_name,
        ),
      );
    } finally {
      db.close();
    }
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    const table = await client.query("SELECT to_regclass('_prisma_migrations') AS t");
    if (!table.rows[0]?.t) return null;
    const rows = await client.query<{ migration_name: string }>(APPLIED_SQL);
    return new Set(rows.rows.map((r) => r.migration_name));
  } finally {
    await client.end();
  }
}

/**
 * The migrations not yet applied to the database, read from `_prisma_migrations`
 * with a plain connection: no engine, no exclusive lock, so it is safe beside a
 * running bot.
 */
export async function pendingMigrations(options: EngineOptions): Promise<string[]> {
  const all = readMigrations(migrationsDirOf(options)).migrationDirectories.map((d) => d.path);
  const applied = await appliedMigrations(options.target);
  return applied ? all.filter((name) => !applied.has(name)) : all;
}

/**
 * Applies pending migrations; idempotent. Returns the names it applied. The engine
 * (which asks SQLite for an exclusive lock, PostgreSQL for an advisory lock, so two
 * instances starting together apply each migration once) is loaded only when there is work.
 */
export async function applyMigrations(options: EngineOptions): Promise<string[]> {
  if ((await pendingMigrations(options)).length === 0) return [];
  return withEngine(options, async (engine) => {
    const out = await engine.applyMigrations({
      migrationsList: readMigrations(migrationsDirOf(options)),
      filters: NO_FILTERS,
    });
    return out.appliedMigrationNames;
  });
}

/**
 * Applies every migration of the target's provider to the target (a throw-away
 * scratch database), then answers the SQL that would bring it to schema.prisma:
 * empty when they agree.
 */
export function diffSchemaAgainstMigrations(options: EngineOptions): Promise<string> {
  return withEngine(options, async (engine) => {
    await engine.applyMigrations({
      migrationsList: readMigrations(migrationsDirOf(options)),
      filters: NO_FILTERS,
    });
    const schemaPath = options.schemaPath ?? SCHEMA_PATH;
    const files = [{ path: schemaPath, content: schemaFor(options.target.provider, schemaPath) }];
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

export type { Provider };
