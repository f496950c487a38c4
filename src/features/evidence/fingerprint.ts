/*
 * A photo's perceptual fingerprint: a 64-bit DCT hash (pHash) of a 32 × 32 greyscale
 * copy, and the same of its mirror image. A photo re-sent through a chat app is
 * recompressed and resized, so its bytes (and SHA-256) change every time; its
 * low frequencies hardly do. Pure arithmetic on the pixels the decoder already made,
 * so it runs in the decoder's process (decoder.ts), never on the bot's main thread.
 */

/** The side of the greyscale copy the hash is taken from. */
export const HASH_SIDE = 32;
const LOW = 8;

export interface Fingerprint {
  /** 16 hex digits. */
  phash: string;
  phashMirror: string;
  /**
   * A second, independent 64-bit hash (dHash: brighter or darker than the next cell),
   * and that of the mirror image: what confirms a "same scene" (see `resembles`).
   */
  dhash: string;
  dhashMirror: string;
  /**
   * The picture is (nearly) one colour: its hash says nothing about it (every flat
   * photo hashes alike), so it is never compared.
   */
  flat: boolean;
}

/**
 * Below this standard deviation of the 32 × 32 greyscale copy (0–255), a photo is
 * flat: a wall, a black frame, a blank page. Measured in fingerprint.test.ts: flat
 * colours with JPEG noise stay under 1; the least varied real-looking image over 20.
 */
const FLAT_STDDEV = 3;

const COS: Float64Array = (() => {
  const table = new Float64Array(HASH_SIDE * HASH_SIDE);
  for (let u = 0; u < HASH_SIDE; u++) {
    for (let x = 0; x < HASH_SIDE; x++) {
      table[u * HASH_SIDE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * HASH_SIDE));
    }
  }
  return table;
})();

/** The 8 × 8 lowest frequencies but the constant one, from a 32 × 32 greyscale grid. */
function lowFrequencies(pixels: Float64Array): Float64Array {
  const n = HASH_SIDE;
  // Rows first (only the 8 frequencies kept are computed), then columns.
  const rows = new Float64Array(n * LOW);
  for (let y = 0; y < n; y++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let x = 0; x < n; x++) sum += (pixels[y * n + x] as number) * (COS[u * n + x] as number);
      rows[y * LOW + u] = sum;
    }
  }
  const out = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < n; y++) sum += (rows[y * LOW + u] as number) * (COS[v * n + y] as number);
      out[v * LOW + u] = sum;
    }
  }
  return out;
}

function hashOf(pixels: Float64Array): string {
  const freq = lowFrequencies(pixels);
  // The constant term is the brightness: left out of the median so a brighter copy hashes alike.
  const ac = Array.from(freq.subarray(1)).sort((a, b) => a - b);
  const median = ((ac[31] as number) + (ac[32] as number)) / 2;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 64; i++) {
    const bit = (freq[i] as number) > median ? 1 : 0;
    if (i < 32) hi = (hi << 1) | bit;
    else lo = (lo << 1) | bit;
  }
  return toHex(hi >>> 0, lo >>> 0);
}

const toHex = (hi: number, lo: number) =>
  hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");

/** A fingerprint from the 32 × 32 one-channel pixels (row by row) of the photo. */
export function fingerprintOf(grey: Uint8Array): Fingerprint {
  const n = HASH_SIDE;
  if (grey.length !== n * n) throw new Error(`expected ${n * n} grey pixels, got ${grey.length}`);
  const pixels = Float64Array.from(grey);
  const mirror = new Float64Array(n * n);
  let sum = 0;
  let squares = 0;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const value = pixels[y * n + x] as number;
      mirror[y * n + (n - 1 - x)] = value;
      sum += value;
      squares += value * value;
    }
  }
  const mean = sum / (n * n);
  const stddev = Math.sqrt(Math.max(0, squares / (n * n) - mean * mean));
  return {
    phash: hashOf(pixels),
    phashMirror: hashOf(mirror),
    dhash: gradientHash(pixels),
    dhashMirror: gradientHash(mirror),
    flat: stddev < FLAT_STDDEV,
  };
}

/** dHash: 8 rows × 9 columns of cell means, a bit per cell darker than its right neighbour. */
function gradientHash(pixels: Float64Array): string {
  const n = HASH_SIDE;
  const cell = (row: number, column: number) => {
    const x0 = Math.floor((column * n) / 9);
    const x1 = Math.floor(((column + 1) * n) / 9);
    let sum = 0;
    for (let y = row * 4; y < row * 4 + 4; y++) {
      for (let x = x0; x < x1; x++) sum += pixels[y * n + x] as number;
    }
    return sum / (4 * (x1 - x0));
  };
  let hi = 0;
  let lo = 0;
  for (let row = 0; row < 8; row++) {
    for (let column = 0; column < 8; column++) {
      const bit = cell(row, column) < cell(row, column + 1) ? 1 : 0;
      if (row < 4) hi = (hi << 1) | bit;
      else lo = (lo << 1) | bit;
    }
  }
  return toHex(hi >>> 0, lo >>> 0);
}

/** The two 32-bit halves of a 16-hex hash. */
export function halves(hex: string): [number, number] {
  return [Number.parseInt(hex.slice(0, 8), 16) >>> 0, Number.parseInt(hex.slice(8, 16), 16) >>> 0];
}

/** Set bits of a 32-bit number (SWAR: a few integer operations, no loop, no BigInt). */
export function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Bits that differ between two 16-hex hashes (0–64). */
export function distance(a: string, b: string): number {
  const [ah, al] = halves(a);
  const [bh, bl] = halves(b);
  return popcount32((ah ^ bh) >>> 0) + popcount32((al ^ bl) >>> 0);
}

/**
 * The bands a reviewer is shown, by the pHash distance: the same photo, or the same
 * scene to be checked. Two unrelated 64-bit hashes are within 20 bits about once in
 * 540 by chance alone (within 10, once in 10⁸): a bloc of 100,000 photos would hold
 * ~370 "same scene" strangers for any new photo, directly or mirrored. So that band
 * also asks both hashes together to be within 34 of 128 bits: second shots of a scene
 * measured 20–34 and 8 % crops 10–26 (fingerprint.test.ts), unrelated photos 50–77;
 * by chance, 0.01 strangers among 100,000 photos.
 */
export const SAME_PHOTO_MAX = 10;
export const SAME_SCENE_MAX = 20;
export type Band = "SAME_PHOTO" | "SAME_SCENE";
export const bandOf = (d: number): Band | null =>
  d <= SAME_PHOTO_MAX ? "SAME_PHOTO" : d <= SAME_SCENE_MAX ? "SAME_SCENE" : null;

const BOTH_MAX = 34;

/** Whether two photos resemble: a close pHash, or within the scene band with both hashes close. */
export const resembles = (pDistance: number, dDistance: number): boolean =>
  pDistance <= SAME_PHOTO_MAX || (pDistance <= SAME_SCENE_MAX && pDistance + dDistance <= BOTH_MAX);
