import { describe, expect, it } from "vitest";
import { jpegHeaderOnly, pdf, png } from "../../../test/helpers/images.ts";
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

  it("refuses a PDF, text, or a file that only calls itself .jpg", () => {
    expect(detectImage(pdf())).toBeNull();
    expect(detectImage(Buffer.from("hello"))).toBeNull();
    expect(detectImage(new Uint8Array())).toBeNull();
  });
});
