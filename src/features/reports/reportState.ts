import { z } from "zod";
import type { Actor, HandlerContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import type { Fingerprint } from "../evidence/fingerprint.ts";
import type { Services } from "../services.ts";
import { reportStatusSchema } from "./schema.ts";

const photoSchema = z.object({
  platformFileId: z.string(),
  sha256: z.string(),
  storageKey: z.string(),
  size: z.number(),
  mimeType: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  forwarded: z.boolean().nullable(),
  sentAsFile: z.boolean(),
  exifTakenAt: z.string().nullable(),
  exifLat: z.number().nullable(),
  exifLon: z.number().nullable(),
  fingerprint: z
    .object({ phash: z.string(), phashMirror: z.string(), dhash: z.string() })
    .passthrough()
    .transform((f) => f as unknown as Fingerprint)
    .optional(),
  /** The criterion whose score step the photo came at, if any. */
  criterionId: z.number().optional(),
});

/**
 * What the /report form and the quick report's question keep between steps, read
 * through this schema at every step: a state written by an older version, or
 * tampered with, ends the form with a clear message instead of a wrong report.
 */
export const reportStateSchema = z.object({
  campaignId: z.number().optional(),
  deadlineId: z.number().optional(),
  dueAt: z.string().optional(),
  status: reportStatusSchema.optional(),
  note: z.string().optional(),
  photos: z.array(photoSchema),
  /** Self-scores by criterion id, when the campaign has a scale. */
  scores: z.record(z.string(), z.number()).optional(),
  /** Which scored criterion is being asked (index in the campaign's scored list). */
  criterion: z.number().optional(),
  /** The returned report's note, offered to keep. */
  previousNote: z.string().optional(),
});
export type ReportData = z.infer<typeof reportStateSchema>;

/** Photos already in the form, plus new ones; one photo sent twice counts once. */
export function withPhotos<P extends { sha256: string }>(kept: P[], added: P[]): P[] {
  return [...kept, ...added.filter((p) => !kept.some((q) => q.sha256 === p.sha256))];
}

/** The member's unit, which every report and status belongs to. */
export function unitActor(
  ctx: HandlerContext<Services>,
): Actor & { unitId: number; unitName: string } {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  if (actor.unitId === null || actor.unitName === null) throw new AppError("no_unit");
  return { ...actor, unitId: actor.unitId, unitName: actor.unitName };
}
