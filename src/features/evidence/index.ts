import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { GalleryService } from "./gallery.ts";
import { EvidenceService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  gallery: new GalleryService(deps.db),
  evidence: new EvidenceService(
    deps.evidenceStore,
    deps.config.EVIDENCE_MAX_BYTES,
    deps.config.EVIDENCE_MAX_PIXELS,
  ),
});
export const feature: FeatureModule = { name: "evidence", provides };
