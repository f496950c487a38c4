/*
 * What a file really is, read from its first bytes (never its name): only JPEG,
 * PNG and WebP photos are evidence. Dimensions are read from the header (PNG IHDR,
 * JPEG SOF, WebP VP8/VP8L/VP8X) so a hostile size is refused before any decoding.
 */

export type ImageMime = "image/jpeg" | "image/png" | "image/webp";

export interface ImageInfo {
  mimeType: ImageMime;
  extension: "jpg" | "png" | "webp";
  width?: number;
  height?: number;
}

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  signature.every((b, i) => bytes[offset + i] === b);

const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, to));

const u16be = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const u16le = (b: Uint8Array, i: number) => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, i: number) => u16le(b, i) | ((b[i + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, i: number) => ((u16be(b, i) << 16) >>> 0) + u16be(b, i + 2);

export function detectImage(bytes: Uint8Array): ImageInfo | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    // IHDR must come first; without it the size is unknown and the file is refused.
    if (bytes.length < 24 || ascii(bytes, 12, 16) !== "IHDR") {
      return { mimeType: "image/png", extension: "png" };
    }
    return {
      mimeType: "image/png",
      extension: "png",
      width: u32be(bytes, 16),
      height: u32be(bytes, 20),
    };
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    return { mimeType: "image/jpeg", extension: "jpg", ...jpegSize(bytes) };
  }
  if (
    startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) &&
    startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)
  ) {
    return { mimeType: "image/webp", extension: "webp", ...webpSize(bytes) };
  }
  return null;
}

/** Markers that stand alone, without a length: TEM and RST0–RST7. */
const standalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);

function jpegSize(bytes: Uint8Array): { width?: number; height?: number } {
  let i = 2;
  while (i + 8 < bytes.length) {
    if (bytes[i] !== 0xff) return {};
    const marker = bytes[i + 1] ?? 0;
    // Any number of 0xFF may pad before a marker.
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (standalone(marker)) {
      i += 2;
      continue;
    }
    // The scan starts: no frame header came before it.
    if (marker === 0xda || marker === 0xd9) return {};
    // SOF0–SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: u16be(bytes, i + 5), width: u16be(bytes, i + 7) };
    }
    const length = u16be(bytes, i + 2);
    if (length < 2) return {};
    i += 2 + length;
  }
  return {};
}

function webpSize(bytes: Uint8Array): { width?: number; height?: number } {
  const chunk = ascii(bytes, 12, 16);
  if (chunk === "VP8X" && bytes.length >= 30) {
    return { width: u24le(bytes, 24) + 1, height: u24le(bytes, 27) + 1 };
  }
  // A lossy key frame: its start code, then 14-bit width and height.
  if (chunk === "VP8 " && bytes.length >= 30 && startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) {
    return { width: u16le(bytes, 26) & 0x3fff, height: u16le(bytes, 28) & 0x3fff };
  }
  // Lossless: a signature byte, then 14-bit width − 1 and height − 1.
  if (chunk === "VP8L" && bytes.length >= 25 && bytes[20] === 0x2f) {
    const b = (i: number) => bytes[21 + i] ?? 0;
    return {
      width: 1 + (((b(1) & 0x3f) << 8) | b(0)),
      height: 1 + (((b(3) & 0x0f) << 10) | (b(2) << 2) | ((b(1) & 0xc0) >> 6)),
    };
  }
  return {};
}
