import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * Where evidence bytes live. Handlers and services see only this interface, so an
 * S3-compatible store can replace the folder without touching them.
 */
export interface EvidenceStore {
  /** Stores the bytes under a name derived from their content; storing twice is a no-op. */
  put(bytes: Uint8Array, extension: string): Promise<{ key: string; sha256: string }>;
  get(key: string): Promise<Uint8Array>;
  /**
   * The bytes in chunks, for copying large amounts without holding them (exports).
   * `buffer` is reused: a chunk is valid until the next one is asked for.
   */
  chunks(key: string, buffer: Buffer): AsyncIterable<Uint8Array>;
}

const isEvidenceKey = (key: string) => /^[0-9a-f]{2}\/[0-9a-f]{64}\.[a-z0-9]+$/.test(key);

export const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Evidence under data/evidence/ab/abcdef….jpg: a content-hash name, never a user's. */
export class LocalEvidenceStore implements EvidenceStore {
  constructor(private readonly root: string) {}

  async put(bytes: Uint8Array, extension: string): Promise<{ key: string; sha256: string }> {
    const sha256 = sha256Of(bytes);
    const key = `${sha256.slice(0, 2)}/${sha256}.${extension.replace(/[^a-z0-9]/g, "")}`;
    const path = join(this.root, key);
    if (!existsSync(path)) {
      // Evidence is personal data: readable by the bot's user only.
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      // Write, sync, then rename, so a crash never leaves half a photo under the final
      // name. The temporary name is random: instances in containers share pids, and two
      // writing one photo at once each rename a whole copy of the same bytes.
      const partial = `${path}.${randomBytes(6).toString("hex")}.partial`;
      const file = await open(partial, "wx", 0o600);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(partial, path);
    }
    return { key, sha256 };
  }

  get(key: string): Promise<Uint8Array> {
    if (!isEvidenceKey(key)) return Promise.reject(new Error(`not an evidence key: ${key}`));
    return readFile(join(this.root, key));
  }

  async *chunks(key: string, buffer: Buffer): AsyncIterable<Uint8Array> {
    if (!isEvidenceKey(key)) throw new Error(`not an evidence key: ${key}`);
    const file = await open(join(this.root, key), "r");
    try {
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      await file.close();
    }
  }
}
