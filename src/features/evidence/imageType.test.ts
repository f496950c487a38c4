import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { jpegHeaderOnly, pdf, png, realJpeg } from "../../../test/helpers/images.ts";
import { detectImage } from "./imageType.ts";

describe("what a file really is", () => {
  it("recognises PNG and JPEG by their bytes and reads their size", () => {
    expect(detectImage(png(640, 480))).toEqual({
      mimeType: "image/png",
      extension: "png",
      width: 640,
      height: 480,
    });
    expect(detectImage(jpegHeaderOnly(1280, 960))).toEqual({
      mimeType: "image/jpeg",
      extension: "jpg",
      width: 1280,
      height: 960,
    });
  });

  it("recognises WebP", () => {
    const webp = Buffer.alloc(30);
    webp.write("RIFF", 0);
    webp.write("WEBPVP8X", 8);
    webp.writeUIntLE(799, 24, 3);
    webp.writeUIntLE(599, 27, 3);
    expect(detectImage(webp)).toMatchObject({ mimeType: "image/webp", width: 800, height: 600 });
  });

  it("reads the size of real lossy and lossless WebP and of a JPEG with padded markers", async () => {
    const image = sharp({
      create: { width: 321, height: 123, channels: 3, background: { r: 9, g: 8, b: 7 } },
    });
    for (const lossless of [false, true]) {
      const webp = await image.clone().webp({ lossless }).toBuffer();
      expect(detectImage(webp), `lossless: ${lossless}`).toMatchObject({ width: 321, height: 123 });
    }
    // 0xFF fill bytes may come before any marker.
    const jpeg = Buffer.from(await realJpeg(77, 55));
    const padded = Buffer.concat([
      jpeg.subarray(0, 2),
      Buffer.from([0xff, 0xff]),
      jpeg.subarray(2),
    ]);
    expect(detectImage(padded)).toMatchObject({ width: 77, height: 55 });
  });

  it("knows no size for a PNG without IHDR first or a JPEG whose scan comes before its frame", () => {
    const noHeader = Buffer.from(png(10, 10));
    noHeader.write("tEXt", 12, "ascii");
    expect(detectImage(noHeader)).toEqual({ mimeType: "image/png", extension: "png" });
    const scanFirst = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 8, 1, 2, 3, 4, 5, 6, 0xff, 0xd9]);
    expect(detectImage(scanFirst)).toEqual({ mimeType: "image/jpeg", extension: "jpg" });
  });

  it("refuses a PDF, text, or a file that only calls itself .jpg", () => {
    expect(detectImage(pdf())).toBeNull();
    expect(detectImage(Buffer.from("hello"))).toBeNull();
    expect(detectImage(new Uint8Array())).toBeNull();
  });
});
