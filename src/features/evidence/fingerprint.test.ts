import { afterAll, describe, expect, it } from "vitest";
import { animatedWebp, edits, flatPhoto, scenePhoto } from "../../../test/helpers/scenes.ts";
import { ImageDecoders } from "./decoderPool.ts";
import { bandOf, distance, type Fingerprint, popcount32, resembles } from "./fingerprint.ts";
import { checkImage, type ImageLimits } from "./imageCheck.ts";

/*
 * The fingerprint as the bot makes it: each photo goes through a real decoder process,
 * which checks it and hashes it in one decode. The photos are made here by sharp.
 */

const LIMITS: ImageLimits = { maxPixels: 50_000_000, maxSide: 20_000 };
const decoders = new ImageDecoders({ size: 1, timeoutMs: 30_000 });
afterAll(() => decoders.stop());

async function printOf(bytes: Uint8Array): Promise<Fingerprint> {
  const checked = await checkImage(bytes, LIMITS, decoders);
  if (!("ok" in checked)) throw new Error(`refused: ${checked.refused}`);
  return checked.ok.fingerprint;
}

/** Smaller of direct and mirrored, as a filed photo is compared with a stored one. */
const apart = (stored: Fingerprint, filed: Fingerprint) =>
  Math.min(distance(filed.phash, stored.phash), distance(filed.phashMirror, stored.phash));

/** Both hashes' distances together (of 128 bits), directly. */
const both = (stored: Fingerprint, filed: Fingerprint) =>
  distance(filed.phash, stored.phash) + distance(filed.dhash, stored.dhash);

/** Whether the pair is flagged at all (the scene band asks the dHash too). */
const flagged = (stored: Fingerprint, filed: Fingerprint) =>
  resembles(distance(filed.phash, stored.phash), distance(filed.dhash, stored.dhash)) ||
  resembles(distance(filed.phashMirror, stored.phash), distance(filed.dhashMirror, stored.dhash));

describe("a photo's fingerprint", () => {
  it("puts copies in the 'same photo' band, other shots of a scene in 'same scene', other photos apart", async () => {
    const table: Record<string, number[]> = {};
    const missed: string[] = [];
    const strangers: number[] = [];
    const note = (edit: string, d: number) => {
      table[edit] ??= [];
      table[edit].push(d);
    };
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const photo = await scenePhoto(seed);
      const original = await printOf(photo);
      note("recompressed q50", apart(original, await printOf(await edits.recompressed(photo))));
      note("resized to half", apart(original, await printOf(await edits.halfSize(photo))));
      const cropped = await printOf(await edits.cropped(photo));
      note("cropped 8 %", apart(original, cropped));
      const mirrored = await printOf(await edits.mirrored(photo));
      note("mirrored (direct hash)", distance(original.phash, mirrored.phash));
      note("mirrored", apart(original, mirrored));
      note("brightened 25 %", apart(original, await printOf(await edits.brightened(photo))));
      const shot = await printOf(await scenePhoto(seed, { shot: 1 }));
      note("same scene, another shot", apart(original, shot));
      note("another shot, pHash+dHash", both(original, shot));
      const other = await printOf(await scenePhoto(seed + 100));
      note("unrelated", apart(original, other));
      note("unrelated, pHash+dHash", both(original, other));
      if (!flagged(original, shot)) missed.push(`shot ${seed}`);
      if (!flagged(original, cropped)) missed.push(`crop ${seed}`);
      if (flagged(original, other)) strangers.push(seed);
    }
    // The band table for the note (figures, not assertions, beyond the bands).
    process.stdout.write(
      Object.entries(table)
        .map(
          ([edit, ds]) =>
            `${edit.padEnd(26)} ${Math.min(...ds)}–${Math.max(...ds)}  [${ds.join(", ")}]`,
        )
        .join("\n")
        .concat("\n"),
    );
    const worst = (edit: string) => Math.max(...(table[edit] as number[]));
    const best = (edit: string) => Math.min(...(table[edit] as number[]));
    for (const copy of ["recompressed q50", "resized to half", "mirrored", "brightened 25 %"]) {
      expect(worst(copy), copy).toBeLessThanOrEqual(4);
    }
    expect(worst("cropped 8 %")).toBeLessThanOrEqual(10);
    expect(worst("same scene, another shot")).toBeLessThanOrEqual(20);
    expect(best("same scene, another shot")).toBeGreaterThan(10);
    // Mirroring is caught only by the mirror hash.
    expect(best("mirrored (direct hash)")).toBeGreaterThan(20);
    expect(best("unrelated")).toBeGreaterThan(20);
    // With the dHash's second opinion, every shot and crop is still flagged, no stranger.
    expect(missed).toEqual([]);
    expect(strangers).toEqual([]);
  }, 120_000);

  it("calls flat photos flat, so two different flat colours are never 'the same photo'", async () => {
    const grey = await printOf(await flatPhoto(200, 200, 200));
    const blue = await printOf(await flatPhoto(30, 90, 160));
    const black = await printOf(await flatPhoto(0, 0, 0, 32, 32));
    expect([grey.flat, blue.flat, black.flat]).toEqual([true, true, true]);
    expect((await printOf(await scenePhoto(7))).flat).toBe(false);
  });

  it("is made for a 32 × 32 photo, a long panorama and an animated WebP without a crash", async () => {
    const tiny = await printOf(await scenePhoto(8, { width: 32, height: 32 }));
    expect(tiny.phash).toMatch(/^[0-9a-f]{16}$/);
    const panorama = await scenePhoto(9, { width: 12_000, height: 800 });
    const wide = await printOf(panorama);
    expect(wide.flat).toBe(false);
    // Sent again at half size, the panorama is still the same photo.
    expect(bandOf(apart(wide, await printOf(await edits.halfSize(panorama))))).toBe("SAME_PHOTO");
    const animated = await printOf(await animatedWebp());
    expect(animated.phash).toMatch(/^[0-9a-f]{16}$/);
  }, 60_000);

  it("counts differing bits on 32-bit halves", () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
    expect(distance("0000000000000000", "ffffffffffffffff")).toBe(64);
    expect(distance("8000000000000001", "0000000000000000")).toBe(2);
    expect([bandOf(10), bandOf(11), bandOf(20), bandOf(21)]).toEqual([
      "SAME_PHOTO",
      "SAME_SCENE",
      "SAME_SCENE",
      null,
    ]);
  });
});
