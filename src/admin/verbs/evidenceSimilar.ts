import type { App } from "../../app.ts";
import type { FlaggedPhoto } from "../../features/evidence/recycled.ts";
import type { AdminResult } from "../adminResult.ts";
import { type AdminVerb, id } from "../adminVerb.ts";

const side = (photo: FlaggedPhoto) => ({
  evidenceId: photo.evidenceId,
  unitId: photo.unitId,
  unit: photo.unitName,
  sha256: photo.sha256,
  receivedAt: photo.receivedAt.toISOString(),
  reportId: photo.reportId,
  campaignId: photo.campaignId,
  dueAt: photo.dueAt.toISOString(),
});

/**
 * `evidence similar <campaign>`: each photo filed for the campaign that resembles an
 * earlier photo of the bloc (any campaign), with both photos, the distance and the band.
 */
async function evidenceSimilar(app: App, campaignId: number): Promise<AdminResult> {
  const campaign = await app.services.campaigns.findAnyBloc(campaignId);
  const pairs = await app.services.recycled.ofCampaign(campaign.blocId, campaign.id);
  const json = pairs.map((pair) => ({
    photo: side(pair.photo),
    earlier: side(pair.earlier),
    distance: pair.distance,
    band: pair.band,
    mirrored: pair.mirrored,
    sameUnit: pair.sameUnit,
  }));
  return {
    json,
    text:
      json
        .map(
          (p) =>
            `#${p.photo.evidenceId} ${p.photo.unit} ~ #${p.earlier.evidenceId} ${p.earlier.unit}\t${p.band}\t${p.distance}${p.mirrored ? " mirrored" : ""}${p.sameUnit ? " same unit" : ""}`,
        )
        .join("\n") || "no similar photos",
  };
}

export const evidenceSimilarVerb: AdminVerb = {
  words: "evidence similar",
  args: "<campaignId>",
  does: "photos that resemble earlier photos of the bloc: both photos' units, evidence ids, SHA-256, the distance (of 64 bits) and the band",
  run: ({ app, args }) => evidenceSimilar(app, id("campaignId", args[0])),
};
