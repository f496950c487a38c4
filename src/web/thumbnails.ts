import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadSharp } from "../features/evidence/imageCheck.ts";

/**
 * Thumbnails made once per photo (sharp: 360 px wide WebP) and kept on disk under
 * their content hash: written to a temporary name, then renamed, so two requests
 * for one photo at once are harmless.
 */
export class Thumbnails {
  constructor(
    private readonly dir: string,
    private readonly read: (storageKey: string) => Promise<Uint8Array>,
  ) {}

  async get(sha256: string, storageKey: string): Promise<Uint8Array> {
    const path = join(this.dir, sha256.slice(0, 2), `${sha256}.webp`);
    try {
      return await readFile(path);
    } catch {
      const sharp = await loadSharp();
      const bytes = await sharp(await this.read(storageKey), { limitInputPixels: 100_000_000 })
        .rotate()
        .resize({ width: 360, height: 360, fit: "inside", withoutEnlargement: true })
        .webp({ quality: 70 })
        .toBuffer();
      await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${randomUUID()}.tmp`;
      await writeFile(temporary, bytes, { mode: 0o600 });
      await rename(temporary, path);
      return bytes;
    }
  }
}
