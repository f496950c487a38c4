import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout's root (the folder with package.json above this file, whether it runs
 * from src/ or compiled from dist/src/): relative paths (data, .env) mean the same
 * from any working directory.
 */
export const PROJECT_ROOT = projectRoot(dirname(fileURLToPath(import.meta.url)));

function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return resolve(from, "..");
  }
}
/** A path from the project's configuration: relative ones are taken from the checkout's root. */
export const fromProject = (path: string) =>
  isAbsolute(path) ? path : resolve(PROJECT_ROOT, path);
