import type { Metadata, default as Sharp } from "sharp";
import { detectImage, type ImageInfo } from "./imageType.ts";

/**
 * sharp (libvips, ~12 MB resident) is loaded on the first photo, not at start: many
 * processes (a console session, an admin command) never check one. The promise is kept:
 * an `import()` per photo costs a module resolution each time (2.7 % of the CPU under
 * load when run through tsx).
 */
let sharp: Promise<typeof Sharp> | undefined;
export const loadSharp = () => {
  sharp ??= import("sharp").then((module) => module.default);
  return sharp;
};

/**
 * Why a file is not accepted as a photo: not a photo at all, a photo that does not
 * decode (damaged, or cut short in the upload), or one too large to decode.
 */
export type ImageRefusal = "not_an_image" | "damaged" | "too_many_pixels";

/**
 * A photo is evidence only if it really decodes: the first bytes name the format
 * (JPEG, PNG, WebP), the header's size is checked against `maxPixels` before any
 * decoding, and then the whole image is decoded (libvips through sharp, failing on
 * any error, a truncated file included). The original bytes are what is kept.
 */
export async function checkImage(
  bytes: Uint8Array,
  maxPixels: number,
): Promise<{ ok: ImageInfo } | { refused: ImageRefusal }> {
  const sniffed = detectImage(bytes);
  if (!sniffed) return { refused: "not_an_image" };
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { failOn: "error", limitInputPixels: false }).metadata();
  } catch {
    return { refused: "damaged" };
  }
  const formats: Record<string, ImageInfo["mimeType"]> = {
    jpeg: "image/jpeg",
    png: "image/png",
    webp: "image/webp",
  };
  if (!meta.format || formats[meta.format] !== sniffed.mimeType) return { refused: "damaged" };
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > maxPixels) return { refused: "too_many_pixels" };
  try {
    // Decoding to a thumbnail reads every pixel (a truncated or corrupt file fails here)
    // without holding the full-size bitmap in memory.
    await sharp(bytes, { failOn: "error", limitInputPixels: maxPixels, sequentialRead: true })
      .resize(64, 64, { fit: "inside" })
      .raw()
      .toBuffer();
  } catch {
    return { refused: "damaged" };
  }
  return { ok: { ...sniffed, width, height } };
}
