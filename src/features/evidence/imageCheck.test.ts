import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { jpegHeaderOnly, pdf, png, realJpeg, realWebp } from "../../../test/helpers/images.ts";
import { checkImage } from "./imageCheck.ts";

const MP50 = 50_000_000;

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
      const checked = await checkImage(bytes, MP50);
      expect("ok" in checked).toBe(true);
    }
    expect(await checkImage(await realJpeg(64, 48), MP50)).toEqual({
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
    ];
    for (const [name, bytes] of cases) {
      expect(await checkImage(bytes, MP50), name).toEqual({ refused: "damaged" });
    }
  });

  it("is refused as not a photo when its first bytes are something else", async () => {
    for (const [name, bytes] of [
      ["PDF", pdf()],
      ["empty", new Uint8Array()],
      ["text", new TextEncoder().encode("ảnh.jpg")],
    ] as const) {
      expect(await checkImage(bytes, MP50), name).toEqual({ refused: "not_an_image" });
    }
  });

  it("is refused before decoding when its header declares more pixels than allowed", async () => {
    expect(await checkImage(pngClaiming(100_000, 100_000), MP50)).toEqual({
      refused: "too_many_pixels",
    });
    expect(await checkImage(png(200, 200), 10_000)).toEqual({ refused: "too_many_pixels" });
  });
});
