/*
 * npm start: the bot from compiled JavaScript (dist/), which starts in about half
 * the time of running the TypeScript through tsx and with less memory. The build
 * (tsc, a few seconds) runs when dist/ is missing or older than a source file, so a
 * fresh clone and an edited checkout both start right. `npm run dev` runs the
 * sources through tsx.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "src", "main.js");

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
if (built < Math.max(newest(join(root, "src")), statSync(join(root, "tsconfig.json")).mtimeMs)) {
  process.stderr.write("building dist/ (tsc)…\n");
  execFileSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")],
    {
      stdio: "inherit",
    },
  );
}
await import(pathToFileURL(entry).href);
