import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readExif } from "./exif.ts";

const jpeg = (exif?: Record<string, Record<string, string>>) => {
  const image = sharp({ create: { width: 8, height: 8, channels: 3, background: "#888" } }).jpeg();
  return (exif ? image.withExif(exif) : image).toBuffer();
};

describe("reading a photo's EXIF", () => {
  it("answers the camera's time as written and the position", async () => {
    const bytes = await jpeg({
      IFD2: { DateTimeOriginal: "2026:03:01 08:30:00" },
      IFD3: {
        GPSLatitudeRef: "S",
        GPSLatitude: "10/1 30/1 0/1",
        GPSLongitudeRef: "W",
        GPSLongitude: "20/1 0/1 0/1",
      },
    });
    expect(readExif(bytes)).toEqual({ takenAt: "2026-03-01T08:30:00.000Z", lat: -10.5, lon: -20 });
  });

  it("says absent for what is not there, a date that does not exist or half a position", async () => {
    expect(readExif(await jpeg())).toEqual({ takenAt: null, lat: null, lon: null });
    const bad = await jpeg({
      IFD2: { DateTimeOriginal: "2026:02:31 08:30:00" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "21/1 0/1 0/1" },
    });
    expect(readExif(bad)).toEqual({ takenAt: null, lat: null, lon: null });
    const zeros = await jpeg({ IFD2: { DateTimeOriginal: "0000:00:00 00:00:00" } });
    expect(readExif(zeros).takenAt).toBeNull();
  });

  it("never throws on bytes that are not what they claim", async () => {
    const whole = await jpeg({ IFD2: { DateTimeOriginal: "2026:03:01 08:30:00" } });
    for (const bytes of [
      new Uint8Array(0),
      new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 0x45, 0x78, 0x69, 0x66]),
      whole.subarray(0, 40),
      Buffer.from("not a photo at all"),
    ]) {
      expect(readExif(bytes)).toEqual({ takenAt: null, lat: null, lon: null });
    }
  });
});
