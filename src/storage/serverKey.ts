import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A server key kept in the data folder (created on first start, readable by the
 * bot's user only), unless the environment gives one (several instances must share it).
 */
export function loadOrCreateKey(path: string, fromEnvironment?: string): Buffer {
  if (fromEnvironment) return Buffer.from(fromEnvironment, "utf8");
  if (existsSync(path)) return Buffer.from(readFileSync(path, "utf8").trim(), "hex");
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // "wx": two processes starting at once never overwrite each other's key.
  try {
    writeFileSync(path, key.toString("hex"), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return Buffer.from(readFileSync(path, "utf8").trim(), "hex");
  }
  chmodSync(path, 0o600);
  return key;
}
