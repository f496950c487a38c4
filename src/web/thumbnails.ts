import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { checkHeader, type ImageLimits, loadSharp } from "../features/evidence/imageCheck.ts";

/** The intake's limits: a photo stored before they existed may lie beyond them. */
const DEFAULT_LIMITS: ImageLimits = { maxPixels: 50_000_000, maxSide: 20_000 };

/**
 * Thumbnails made once per photo (sharp: 360 px wide WebP) and kept on disk under
 * their content hash: written to a temporary name, then renamed, so two requests
 * for one photo at once are harmless.
 */
export class Thumbnails {
  constructor(
    private readonly dir: string,
    private readonly read: (storageKey: string) => Promise<Uint8Array>,
    private readonly limits: ImageLimits = DEFAULT_LIMITS,
  ) {}

  async get(sha256: string, storageKey: string): Promise<Uint8Array> {
    const path = join(this.dir, sha256.slice(0, 2), `${sha256}.webp`);
    try {
      return await readFile(path);
    } catch {
      const sharp = await loadSharp();
      const original = await this.read(storageKey);
      // The dashboard decodes in the bot's process: a photo stored before intake had
      // limits (a 1 × 49 M PNG took 36–89 s) gets a plain tile, read from its header alone.
      if ("refused" in checkHeader(original, this.limits)) {
        return sharp({
          create: { width: 4, height: 3, channels: 3, background: { r: 220, g: 222, b: 226 } },
        })
          .webp()
          .toBuffer();
      }
      const bytes = await sharp(original, { limitInputPixels: this.limits.maxPixels })
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
