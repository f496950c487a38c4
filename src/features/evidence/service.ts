import { AppError } from "../../core/errors.ts";
import type { InboundFile } from "../../core/inbound.ts";
import type { EvidenceStore } from "../../storage/evidenceStore.ts";
import type { ImageDecoders } from "./decoderPool.ts";
import { readExif } from "./exif.ts";
import type { Fingerprint } from "./fingerprint.ts";
import type { FingerprintIndex } from "./fingerprintIndex.ts";
import { checkImage, type ImageLimits, type ImageRefusal } from "./imageCheck.ts";

/** A photo checked and stored, not yet attached to a report. */
export interface StoredPhoto {
  platformFileId: string;
  sha256: string;
  storageKey: string;
  size: number;
  mimeType: string;
  width: number | null;
  height: number | null;
  /** The proof card's part known at intake (proof.ts); null where nothing says. */
  forwarded: boolean | null;
  sentAsFile: boolean;
  /** ISO text, not a Date: a photo waits in the form's JSON state before it is saved. */
  exifTakenAt: string | null;
  exifLat: number | null;
  exifLon: number | null;
  /** Absent on a photo kept in a form from before fingerprints (the background step does it). */
  fingerprint?: Fingerprint;
}

export const formatBytes = (n: number) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;

/** Checks what users send as evidence and keeps the bytes that pass. */
export class EvidenceService {
  constructor(
    private readonly store: EvidenceStore,
    private readonly maxBytes: number,
    private readonly limits: ImageLimits,
    private readonly decoders: ImageDecoders,
    private readonly fingerprints?: FingerprintIndex,
  ) {}

  /**
   * Downloads, checks and stores one file. Refuses (and stores nothing) when it is
   * too large, announced or real, or when its bytes are not a JPEG, PNG or WebP
   * that decodes in time, or when it has more pixels or a longer side than allowed.
   */
  async accept(file: InboundFile): Promise<StoredPhoto> {
    const limit = formatBytes(this.maxBytes);
    if (file.declaredSize !== undefined && file.declaredSize > this.maxBytes) {
      throw new AppError("file_too_large", { size: formatBytes(file.declaredSize), limit });
    }
    const bytes = await file.download();
    if (bytes.length > this.maxBytes) {
      // Downloads stop just past the cap, so what was read is not the file's size.
      throw new AppError("file_over_limit", { limit });
    }
    const checked = await checkImage(bytes, this.limits, this.decoders);
    if ("refused" in checked) throw this.#refusal(checked.refused);
    const image = checked.ok;
    const { key, sha256 } = await this.store.put(bytes, image.extension);
    // The bloc's photos are read here, before the report's transaction, which then
    // compares this photo with them in memory (recycled.ts).
    await this.fingerprints?.refresh();
    return {
      platformFileId: file.platformFileId,
      sha256,
      storageKey: key,
      size: bytes.length,
      mimeType: image.mimeType,
      width: image.width ?? file.width ?? null,
      height: image.height ?? file.height ?? null,
      ...this.#proofOf(file, bytes),
      fingerprint: image.fingerprint,
    };
  }

  /** Accepts each file of an album; answers the stored ones and the first refusal. */
  async acceptAll(
    files: InboundFile[],
  ): Promise<{ stored: StoredPhoto[]; refused: AppError | null }> {
    const stored: StoredPhoto[] = [];
    let refused: AppError | null = null;
    for (const file of files) {
      try {
        stored.push(await this.accept(file));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        refused ??= error;
      }
    }
    return { stored, refused };
  }

  #proofOf(file: InboundFile, bytes: Uint8Array) {
    const exif = readExif(bytes);
    return {
      forwarded: file.forwarded ?? null,
      sentAsFile: file.kind === "document",
      exifTakenAt: exif.takenAt,
      exifLat: exif.lat,
      exifLon: exif.lon,
    };
  }

  #refusal(reason: ImageRefusal): AppError {
    switch (reason) {
      case "too_many_pixels":
        return new AppError("image_too_many_pixels", {
          megapixels: Math.round(this.limits.maxPixels / 1_000_000),
        });
      case "side_too_long":
        return new AppError("image_side_too_long", { side: this.limits.maxSide });
      case "too_slow":
        return new AppError("image_too_slow");
      case "damaged":
        return new AppError("image_damaged");
      default:
        return new AppError("not_an_image");
    }
  }

  read(storageKey: string): Promise<Uint8Array> {
    return this.store.get(storageKey);
  }
}
