import type { FeatureModule, ServiceDeps } from "../registry.ts";
import { EvidenceService } from "./service.ts";

export const provides = (deps: ServiceDeps) => ({
  evidence: new EvidenceService(
    deps.evidenceStore,
    deps.config.EVIDENCE_MAX_BYTES,
    deps.config.EVIDENCE_MAX_PIXELS,
  ),
});
export const feature: FeatureModule = { name: "evidence", provides };
