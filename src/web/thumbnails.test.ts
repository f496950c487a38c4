import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { png, tallPng } from "../../test/helpers/images.ts";
import { Thumbnails } from "./thumbnails.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "thidua-thumbs-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the dashboard's thumbnails", () => {
  it("are made once from a photo within the limits, 360 px at most", async () => {
    const thumbs = new Thumbnails(dir, async () => png(800, 600, 4));
    const first = await thumbs.get("ab".repeat(32), "k");
    expect(await sharp(first).metadata()).toMatchObject({
      format: "webp",
      width: 360,
      height: 270,
    });
    const again = new Thumbnails(dir, async () => {
      throw new Error("read again");
    });
    expect(Buffer.compare(await again.get("ab".repeat(32), "k"), first)).toBe(0);
  });

  it("are a plain tile, never a decode, for a photo stored beyond the limits (1 × 49 M pixels)", async () => {
    const thumbs = new Thumbnails(dir, async () => tallPng());
    const tile = await thumbs.get("cd".repeat(32), "k");
    expect(await sharp(tile).metadata()).toMatchObject({ format: "webp", width: 4, height: 3 });
  });
});
