import { randomBytes } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";

/*
 * Real, decodable PNG files made on the fly: `seed` changes the pixels, so two
 * photos differ by content (and hash) just as two real photos would.
 */

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** `noisy` fills the pixels with random values, which do not compress: a big file. */
export function png(width: number, height: number, seed = 0, noisy = false): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // truecolour
  const row = Buffer.alloc(1 + width * 3, seed % 256);
  row[0] = 0;
  const pixels = Buffer.concat(
    Array.from({ length: height }, () => {
      if (!noisy) return row;
      const line = randomBytes(row.length);
      line[0] = 0;
      return line;
    }),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A real JPEG, encoded by sharp (libjpeg). */
export async function realJpeg(width: number, height: number, seed = 0): Promise<Uint8Array> {
  return sharp({
    create: { width, height, channels: 3, background: { r: seed % 256, g: 120, b: 60 } },
  })
    .jpeg()
    .toBuffer();
}

/** A real WebP, encoded by sharp. */
export async function realWebp(width: number, height: number, seed = 0): Promise<Uint8Array> {
  return sharp({
    create: { width, height, channels: 3, background: { r: seed % 256, g: 60, b: 120 } },
  })
    .webp()
    .toBuffer();
}

/** Only the start of a JPEG with its frame header: type and size, no pixels (not a photo). */
export function jpegHeaderOnly(width: number, height: number, seed = 0): Uint8Array {
  return Buffer.from([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x10,
    0x4a,
    0x46,
    0x49,
    0x46,
    0x00,
    0x01,
    0x01,
    0x00,
    0x00,
    0x01,
    0x00,
    0x01,
    0x00,
    0x00,
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
    seed & 0xff,
    0xff,
    0xd9,
  ]);
}

export const pdf = () => Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");

let tall: { height: number; bytes: Uint8Array } | undefined;
/**
 * A PNG one pixel wide and `height` tall, all black: tiny on disk (95 KB for 49 M rows)
 * and very slow to decode (libvips pays per row). Made once per test file.
 */
export function tallPng(height = 49_000_000): Uint8Array {
  if (tall?.height === height) return tall.bytes;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(0, 9); // grey
  // Each row: a filter byte and one pixel, both zero.
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.alloc(2 * height), { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  tall = { height, bytes };
  return bytes;
}
