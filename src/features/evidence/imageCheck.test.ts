import { crc32 } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import {
  jpegHeaderOnly,
  pdf,
  png,
  realJpeg,
  realWebp,
  tallPng,
} from "../../../test/helpers/images.ts";
import { ImageDecoders } from "./decoderPool.ts";
import { checkHeader, checkImage, type ImageLimits } from "./imageCheck.ts";

const LIMITS: ImageLimits = { maxPixels: 50_000_000, maxSide: 20_000 };
const decoders = new ImageDecoders({ size: 1, timeoutMs: 20_000 });
afterAll(() => decoders.stop());

/** A PNG whose header claims `width` × `height` with almost no pixel data behind it. */
function pngClaiming(width: number, height: number): Uint8Array {
  const real = Buffer.from(png(2, 2, 1));
  real.writeUInt32BE(width, 16);
  real.writeUInt32BE(height, 20);
  // A valid header checksum: the file is well formed, only its size is hostile.
  real.writeUInt32BE(crc32(real.subarray(12, 29)), 29);
  return real;
}

describe("a photo offered as evidence", () => {
  it("is accepted when it decodes: PNG, JPEG and WebP", async () => {
    for (const bytes of [png(40, 30, 1), await realJpeg(64, 48, 2), await realWebp(32, 32, 3)]) {
      const checked = await checkImage(bytes, LIMITS, decoders);
      expect("ok" in checked).toBe(true);
    }
    expect(await checkImage(await realJpeg(64, 48), LIMITS, decoders)).toMatchObject({
      ok: { mimeType: "image/jpeg", extension: "jpg", width: 64, height: 48 },
    });
  });

  it("is called damaged when its first bytes say photo and the rest does not decode", async () => {
    const jpeg = Buffer.from(await realJpeg(200, 150, 4));
    const cases: [string, Uint8Array][] = [
      ["3-byte JPEG", Buffer.from([0xff, 0xd8, 0xff])],
      ["JPEG header without pixels", jpegHeaderOnly(800, 600)],
      ["truncated JPEG", jpeg.subarray(0, Math.floor(jpeg.length / 2))],
      [
        "PNG signature and garbage",
        Buffer.concat([Buffer.from(png(2, 2)).subarray(0, 8), Buffer.alloc(64, 7)]),
      ],
      ["PNG whose header lies about its size", pngClaiming(3, 3)],
    ];
    for (const [name, bytes] of cases) {
      expect(await checkImage(bytes, LIMITS, decoders), name).toEqual({ refused: "damaged" });
    }
  });

  it("is refused as not a photo when its first bytes are something else", async () => {
    for (const [name, bytes] of [
      ["PDF", pdf()],
      ["empty", new Uint8Array()],
      ["text", new TextEncoder().encode("ảnh.jpg")],
    ] as const) {
      expect(await checkImage(bytes, LIMITS, decoders), name).toEqual({
        refused: "not_an_image",
      });
    }
  });

  it("is refused from its header, with no decoding, when a side or the pixels are too many", async () => {
    // A stopped pool refuses every decode: these answers come from the header alone.
    const none = new ImageDecoders({ size: 1, timeoutMs: 1000 });
    none.stop();
    const cases: [Uint8Array, ImageLimits, string][] = [
      [tallPng(), LIMITS, "side_too_long"],
      [pngClaiming(100_000, 100_000), LIMITS, "side_too_long"],
      [pngClaiming(10_000, 10_000), LIMITS, "too_many_pixels"],
      [png(200, 200), { maxPixels: 10_000, maxSide: 20_000 }, "too_many_pixels"],
      [png(300, 20), { maxPixels: 50_000, maxSide: 200 }, "side_too_long"],
      [pngClaiming(0, 10), LIMITS, "damaged"],
    ];
    for (const [bytes, limits, refused] of cases) {
      expect(checkHeader(bytes, limits)).toEqual({ refused });
      expect(await checkImage(bytes, limits, none)).toEqual({ refused });
    }
  });
});
