import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../db/client.ts";
import type { EvidenceStore } from "../../storage/evidenceStore.ts";
import { DecodersStopped, type ImageDecoders } from "./decoderPool.ts";
import type { FingerprintIndex } from "./fingerprintIndex.ts";
import { checkImage, type ImageLimits } from "./imageCheck.ts";
import { flagFingerprinted } from "./recycled.ts";

export interface BackfillRun {
  fingerprinted: number;
  /** Photos whose file is missing or no longer decodes: left without, tried again next start. */
  failed: number;
}

/**
 * Photos filed before fingerprints get theirs in the background: a page of rows at a
 * time, one photo at a time through the decoder processes (so it never takes more than
 * one decoder from the photos people are sending, and no decoding on the bot's thread),
 * each flagged against the bloc like a new photo. What was tried is remembered in
 * memory for this process; another instance or a second run skips what is done.
 */
export class FingerprintBackfill {
  #after = 0;
  #stopped = false;

  constructor(
    private readonly db: Db,
    private readonly store: EvidenceStore,
    private readonly decoders: ImageDecoders,
    private readonly limits: ImageLimits,
    private readonly index: FingerprintIndex,
    private readonly clock: Clock,
    private readonly pageSize = 100,
  ) {}

  stop(): void {
    this.#stopped = true;
  }

  /** Fingerprints every photo still without one. */
  async run(): Promise<BackfillRun> {
    const done: BackfillRun = { fingerprinted: 0, failed: 0 };
    // The index first, so each older photo is compared with every photo that has a print.
    await this.index.refresh();
    while (!this.#stopped) {
      const page = await this.db.evidence.findMany({
        where: { phash: null, id: { gt: this.#after } },
        orderBy: { id: "asc" },
        take: this.pageSize,
        select: { id: true, storageKey: true, unitId: true, unit: { select: { blocId: true } } },
      });
      for (const photo of page) {
        if (this.#stopped) break;
        this.#after = photo.id;
        const ok = await this.#fingerprint(photo);
        if (ok === null) return done;
        if (ok) done.fingerprinted++;
        else done.failed++;
      }
      if (page.length < this.pageSize) break;
    }
    return done;
  }

  /** true when stored, false when the photo cannot be read, null when the bot is stopping. */
  async #fingerprint(photo: {
    id: number;
    storageKey: string;
    unitId: number;
    unit: { blocId: number };
  }): Promise<boolean | null> {
    let checked: Awaited<ReturnType<typeof checkImage>>;
    try {
      const bytes = await this.store.get(photo.storageKey);
      checked = await checkImage(bytes, this.limits, this.decoders);
    } catch (error) {
      if (error instanceof DecodersStopped) return null;
      return false;
    }
    if (!("ok" in checked)) return false;
    const fingerprint = checked.ok.fingerprint;
    const blocId = photo.unit.blocId;
    await this.db.$transaction(async (tx) => {
      const updated = await tx.evidence.updateMany({
        where: { id: photo.id, phash: null },
        data: {
          phash: fingerprint.phash,
          phashMirror: fingerprint.phashMirror,
          dhash: fingerprint.dhash,
          phashFlat: fingerprint.flat,
        },
      });
      if (updated.count === 0) return;
      await flagFingerprinted(tx, this.index, {
        id: photo.id,
        blocId,
        unitId: photo.unitId,
        fingerprint,
        now: this.clock.now(),
      });
    });
    if (!fingerprint.flat) {
      this.index.add(blocId, photo.id, photo.unitId, fingerprint.phash, fingerprint.dhash);
    }
    return true;
  }
}
