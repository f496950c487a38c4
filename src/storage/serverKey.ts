import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "../config.ts";

const KEY_BYTES = 32;

/**
 * A server key kept in the data folder (created on first start, readable by the
 * bot's user only), unless the environment gives one (several instances must share it).
 * A file that holds anything but the 64 hex digits written here stops the start: an
 * empty key file used to sign with an empty key, and anyone could forge a link.
 */
export function loadOrCreateKey(path: string, fromEnvironment?: string): Buffer {
  if (fromEnvironment) return Buffer.from(fromEnvironment, "utf8");
  if (existsSync(path)) return readKey(path);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  // Written whole under another name, then linked: a process starting at the same time
  // finds either no key or the whole of it, never an empty file, and nothing is overwritten.
  const written = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(written, key.toString("hex"), { mode: 0o600 });
  chmodSync(written, 0o600);
  try {
    linkSync(written, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readKey(path);
  } finally {
    unlinkSync(written);
  }
  return key;
}

function readKey(path: string): Buffer {
  const text = readFileSync(path, "utf8").trim();
  if (/^[0-9a-f]+$/i.test(text) && text.length === KEY_BYTES * 2) return Buffer.from(text, "hex");
  const found =
    text.length === 0
      ? "it is empty"
      : /^[0-9a-f]+$/i.test(text)
        ? `it holds ${text.length} of them`
        : `it holds ${text.length} characters, not all of them hexadecimal`;
  throw new ConfigError(
    `${path} is not a usable key: it must hold ${KEY_BYTES * 2} hexadecimal characters (${KEY_BYTES} bytes) and ${found}. Restore it from a backup; deleting it makes a new key, and the links and invite codes made with the old one stop working.`,
  );
}
