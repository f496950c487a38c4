/*
 * The image decoder's own process (forked by decoderPool.ts, one photo at a time).
 * Decoding runs in libvips' native threads, which nothing can interrupt: a worker
 * thread's terminate() and even process.exit() wait for the decode to finish (a
 * 1 × 49 M PNG held both for 15 s). A process can be killed at once, so a slow
 * decode costs its own process, never the bot's replies or its stop.
 */
import sharp from "sharp";
import { type Fingerprint, fingerprintOf, HASH_SIDE } from "./fingerprint.ts";
import type { ImageMime } from "./imageType.ts";

export interface DecodeRequest {
  bytes: Uint8Array;
  mimeType: ImageMime;
  maxPixels: number;
}

export type DecodeAnswer =
  | { ok: { width: number; height: number; fingerprint: Fingerprint } }
  | { refused: "not_an_image" | "too_many_pixels" };

const FORMATS: Record<string, ImageMime> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
};

/** One libvips thread per decode: the pool's size is what sets the CPU a photo may take. */
sharp.concurrency(1);
sharp.cache(false);

async function decode({ bytes, mimeType, maxPixels }: DecodeRequest): Promise<DecodeAnswer> {
  const options = { failOn: "error", limitInputPixels: maxPixels } as const;
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, options).metadata();
  } catch (error) {
    const tooMany = /pixel limit/i.test(String(error));
    return { refused: tooMany ? "too_many_pixels" : "not_an_image" };
  }
  if (!meta.format || FORMATS[meta.format] !== mimeType) return { refused: "not_an_image" };
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > maxPixels) return { refused: "too_many_pixels" };
  let grey: Buffer;
  try {
    // Decoding to a small greyscale copy reads every pixel (a truncated or corrupt file
    // fails here) without holding the full-size bitmap in memory: one decode both checks
    // the photo and fingerprints it. An animated WebP is its first frame. Two steps,
    // because libvips refuses to squash a very long side (1 × 49 M) to 32 in one.
    const small = await sharp(bytes, { ...options, sequentialRead: true })
      .flatten({ background: "#ffffff" })
      .greyscale()
      .resize(256, 256, { fit: "inside" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width: w, height: h, channels } = small.info;
    const { data, info } = await sharp(small.data, { raw: { width: w, height: h, channels } })
      .resize(HASH_SIDE, HASH_SIDE, { fit: "fill" })
      .toColourspace("b-w")
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`expected one channel, got ${info.channels}`);
    grey = data;
  } catch {
    return { refused: "not_an_image" };
  }
  return { ok: { width, height, fingerprint: fingerprintOf(grey) } };
}

process.on("message", (request: DecodeRequest) => {
  void decode(request).then(
    (answer) => process.send?.(answer),
    () => process.send?.({ refused: "not_an_image" } satisfies DecodeAnswer),
  );
});

// The bot is gone (stopped or killed): exit() would wait for a running decode.
process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
