/*
 * npm run build: the bot, the operator's CLI and the migration command as bundled
 * JavaScript in dist/ (esbuild). One bundle instead of some 900 modules: Node resolves,
 * reads and links each module it loads, and that was most of the time to start.
 * Shared code goes in chunks; what loads late stays late (grammY when a Telegram token
 * is set, exceljs on the first export, the PostgreSQL driver, the schema engine).
 * Types are checked by `npm run typecheck`, not here.
 */
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The bot's entry point inside an output folder. */
export const ENTRY = join("src", "main.js");

/**
 * Left to Node at run time: native addons, files read beside a package (the schema
 * engine's .wasm), and large packages loaded on rare paths.
 */
const EXTERNAL = [
  "better-sqlite3",
  "sharp",
  "pg",
  "exceljs",
  // pdfkit reads its own data files beside the package when a document starts.
  "pdfkit",
  "@prisma/schema-engine-wasm",
  "@prisma/schema-engine-wasm/*",
];

/** Builds into `outdir` (relative to the project, or absolute), replacing what was there. */
export async function buildDist(outdir = "dist") {
  const out = resolve(root, outdir);
  rmSync(out, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    // The image decoder runs in processes of its own (src/features/evidence/decoderPool.ts).
    entryPoints: [
      "src/main.ts",
      "scripts/admin.ts",
      "scripts/db-migrate.ts",
      "src/features/evidence/decoder.ts",
    ],
    outbase: ".",
    outdir: out,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: EXTERNAL,
    chunkNames: "chunks/[name]-[hash]",
    // Bundling renames clashing classes, and some packages look at a class's name:
    // node-fetch accepts a signal only if its class is called "AbortSignal".
    keepNames: true,
    // Bundled CommonJS packages call require(); an ES module has none of its own.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDist();
