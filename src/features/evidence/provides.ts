import type { ServiceDeps } from "../serviceDeps.ts";
import { FingerprintBackfill } from "./backfill.ts";
import { ImageDecoders } from "./decoderPool.ts";
import { fingerprintIndex } from "./fingerprintIndex.ts";
import { GalleryService } from "./gallery.ts";
import { ProofService } from "./proof.ts";
import { RecycledPhotos } from "./recycled.ts";
import { EvidenceService } from "./service.ts";

export const provides = (deps: ServiceDeps) => {
  const { config } = deps;
  const imageDecoders = new ImageDecoders({
    ...(config.EVIDENCE_DECODERS ? { size: config.EVIDENCE_DECODERS } : {}),
    timeoutMs: config.EVIDENCE_DECODE_TIMEOUT_SECONDS * 1000,
  });
  const limits = { maxPixels: config.EVIDENCE_MAX_PIXELS, maxSide: config.EVIDENCE_MAX_SIDE };
  const fingerprints = fingerprintIndex(deps.db);
  return {
    gallery: new GalleryService(deps.db),
    proofs: new ProofService(deps.db),
    recycled: new RecycledPhotos(deps.db),
    /** Stopped first when the bot stops: a decode in progress never delays the exit. */
    imageDecoders,
    evidence: new EvidenceService(
      deps.evidenceStore,
      config.EVIDENCE_MAX_BYTES,
      limits,
      imageDecoders,
      fingerprints,
    ),
    /** Photos filed before fingerprints: fingerprinted in the background (main.ts). */
    fingerprintBackfill: new FingerprintBackfill(
      deps.db,
      deps.evidenceStore,
      imageDecoders,
      limits,
      fingerprints,
      deps.clock,
    ),
  };
};
