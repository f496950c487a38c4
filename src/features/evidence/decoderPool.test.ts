import { afterEach, describe, expect, it } from "vitest";
import { png, tallPng } from "../../../test/helpers/images.ts";
import { DecodersStopped, ImageDecoders } from "./decoderPool.ts";

/*
 * Real decoder processes. The slow photo is the 1 × 49 M PNG, let through to the
 * decoder (its header would refuse it in the bot): libvips takes many seconds on it.
 */

const slow = () => ({ bytes: tallPng(), mimeType: "image/png" as const, maxPixels: 50_000_000 });
const quick = (seed: number) => ({
  bytes: png(40, 30, seed),
  mimeType: "image/png" as const,
  maxPixels: 50_000_000,
});

let pool: ImageDecoders;
afterEach(() => pool.stop());

describe("the image decoders", () => {
  it("refuse a photo that takes too long, and the next photo is decoded at once", async () => {
    pool = new ImageDecoders({ size: 1, timeoutMs: 1500 });
    const slowOne = pool.decode(slow());
    // Waits behind the slow one: the kill frees its decoder (a thread would still be busy).
    const next = pool.decode(quick(1));
    expect(await slowOne).toEqual({ refused: "too_slow" });
    expect(await next).toEqual({ refused: "too_slow" });
    expect(await pool.decode(quick(2))).toMatchObject({ ok: { width: 40, height: 30 } });
    expect(pool.busy()).toBe(0);
  });

  it("decode other photos while one is slow", async () => {
    pool = new ImageDecoders({ size: 2, timeoutMs: 60_000 });
    let slowDone = false;
    const slowOne = pool
      .decode(slow())
      .finally(() => {
        slowDone = true;
      })
      .catch((error: unknown) => error);
    for (let seed = 1; seed <= 5; seed++) {
      expect(await pool.decode(quick(seed))).toMatchObject({ ok: { width: 40, height: 30 } });
    }
    expect(slowDone).toBe(false);
    expect(pool.busy()).toBe(1);
    pool.stop();
    expect(await slowOne).toBeInstanceOf(DecodersStopped);
  });

  it("when stopped, give up what is decoding or waiting at once and take nothing more", async () => {
    pool = new ImageDecoders({ size: 1, timeoutMs: 60_000 });
    const decoding = pool.decode(slow()).catch((error: unknown) => error);
    const waiting = pool.decode(quick(1)).catch((error: unknown) => error);
    await new Promise((r) => setTimeout(r, 300));
    pool.stop();
    expect(await decoding).toBeInstanceOf(DecodersStopped);
    expect(await waiting).toBeInstanceOf(DecodersStopped);
    await expect(pool.decode(quick(2))).rejects.toBeInstanceOf(DecodersStopped);
  });
});
