import type { default as Sharp } from "sharp";
import type { ImageDecoders } from "./decoderPool.ts";
import type { Fingerprint } from "./fingerprint.ts";
import { detectImage, type ImageInfo } from "./imageType.ts";

/**
 * sharp (libvips, ~12 MB resident) is loaded on the first thumbnail, not at start: many
 * processes (a console session, an admin command) never make one. Photos offered as
 * evidence are decoded in the decoders' own processes (decoderPool.ts).
 */
let sharp: Promise<typeof Sharp> | undefined;
export const loadSharp = () => {
  sharp ??= import("sharp").then((module) => module.default);
  return sharp;
};

/**
 * Why a file is not accepted as a photo: not a photo at all, a photo that does not
 * decode (damaged, or cut short in the upload), too large, or too slow to decode.
 */
export type ImageRefusal =
  | "not_an_image"
  | "damaged"
  | "too_many_pixels"
  | "side_too_long"
  | "too_slow";

export interface ImageLimits {
  maxPixels: number;
  /** Longest width or height: decoding costs per row too (1 × 49 M pixels took 36–89 s). */
  maxSide: number;
}

export type HeaderCheck =
  | { ok: ImageInfo & { width: number; height: number } }
  | { refused: ImageRefusal };

/** What the first bytes say, against the limits: free, and done before any decoding. */
export function checkHeader(bytes: Uint8Array, limits: ImageLimits): HeaderCheck {
  const sniffed = detectImage(bytes);
  if (!sniffed) return { refused: "not_an_image" };
  const { width, height } = sniffed;
  // The first bytes say photo, but no size can be read: a damaged or cut-short upload.
  if (!width || !height) return { refused: "damaged" };
  if (width > limits.maxSide || height > limits.maxSide) return { refused: "side_too_long" };
  if (width * height > limits.maxPixels) return { refused: "too_many_pixels" };
  return { ok: { ...sniffed, width, height } };
}

/**
 * A photo is evidence only if it really decodes: the first bytes name the format
 * (JPEG, PNG, WebP) and a size within the limits, then the whole image is decoded
 * (libvips, failing on any error, a truncated file included) in a decoder process,
 * within the decoders' time limit. The original bytes are what is kept.
 */
export async function checkImage(
  bytes: Uint8Array,
  limits: ImageLimits,
  decoders: ImageDecoders,
): Promise<{ ok: ImageInfo & { fingerprint: Fingerprint } } | { refused: ImageRefusal }> {
  const header = checkHeader(bytes, limits);
  if ("refused" in header) return header;
  const decoded = await decoders.decode({
    bytes,
    mimeType: header.ok.mimeType,
    maxPixels: limits.maxPixels,
  });
  // The header said photo: a decoder that cannot read it finds it damaged.
  if ("refused" in decoded) {
    return { refused: decoded.refused === "not_an_image" ? "damaged" : decoded.refused };
  }
  const { width, height, fingerprint } = decoded.ok;
  // libvips read the same header: a file whose size changes between the two is damaged.
  if (width !== header.ok.width || height !== header.ok.height) return { refused: "damaged" };
  return { ok: { ...header.ok, fingerprint } };
}
