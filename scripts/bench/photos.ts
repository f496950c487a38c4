/*
 * Photos as Telegram delivers them: 1280×960 JPEG (quality 82), each different in
 * content (a coarse random pattern, so perceptual hashes differ too) with fine noise
 * over it, ~150 KB — not the 64×48 PNGs that flattered the decode and the writes.
 */
import { randomBytes } from "node:crypto";
import sharp from "sharp";

const WIDTH = 1280;
const HEIGHT = 960;

/** The noise every photo carries (made once: it is what makes a camera photo big). */
let grain: Buffer | null = null;
async function noise(): Promise<Buffer> {
  grain ??= await sharp({
    create: {
      width: WIDTH,
      height: HEIGHT,
      channels: 3,
      background: { r: 128, g: 128, b: 128 },
      noise: { type: "gaussian", mean: 128, sigma: 12 },
    },
  })
    .png({ compressionLevel: 0 })
    .toBuffer();
  return grain;
}

/**
 * `count` distinct JPEG photos (~0.1 s each to make, so made before any timing
 * starts and kept in a pool; `unique` makes each send's bytes differ).
 */
export async function jpegPhotos(count: number): Promise<Uint8Array[]> {
  const grainPng = await noise();
  const photos: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const coarse = randomBytes(16 * 12 * 3);
    const bytes = await sharp(coarse, { raw: { width: 16, height: 12, channels: 3 } })
      .resize(WIDTH, HEIGHT, { kernel: "cubic" })
      .composite([{ input: grainPng, blend: "overlay" }])
      .jpeg({ quality: 82 })
      .toBuffer();
    photos.push(new Uint8Array(bytes));
  }
  return photos;
}

/**
 * The pool's photo `n`, with a JPEG comment naming `n` after the start-of-image
 * marker: a different file (and hash) every time, the same pixels every `pool` sends.
 */
export function unique(pool: Uint8Array[], n: number): Uint8Array {
  const photo = pool[n % pool.length] ?? new Uint8Array();
  const text = Buffer.from(`bench photo ${n}`);
  const comment = Buffer.alloc(4);
  comment.writeUInt16BE(0xfffe, 0);
  comment.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([photo.subarray(0, 2), comment, text, photo.subarray(2)]);
}
