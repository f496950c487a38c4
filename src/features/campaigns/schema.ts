import { z } from "zod";
import { criterionSchema, lateRuleSchema, thresholdsSchema } from "./criteria.ts";

export const campaignStatusSchema = z.enum(["DRAFT", "ACTIVE", "CLOSED"]);
export type CampaignStatus = z.infer<typeof campaignStatusSchema>;

export const hashtagSchema = z
  .string()
  .trim()
  .regex(
    /^#[\p{L}\p{N}_]{2,40}$/u,
    "a hashtag is # then 2–40 letters or digits, e.g. #xanhsachdep",
  );

/** A campaign ready to save: what the chat flow and the file import both produce. */
export const campaignDraftSchema = z
  .object({
    title: z.string().trim().min(3).max(300),
    description: z.string().trim().max(2000).default(""),
    startsAt: z.coerce.date(),
    endsAt: z.coerce.date(),
    criteria: z.array(criterionSchema).max(50).default([]),
    lateRule: lateRuleSchema.default("none"),
    thresholds: thresholdsSchema.nullable().default(null),
    deadlines: z.array(z.coerce.date()).min(1).max(60),
    hashtag: hashtagSchema.nullable().default(null),
  })
  .superRefine((draft, ctx) => {
    if (draft.endsAt <= draft.startsAt) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
    }
    draft.deadlines.forEach((deadline, i) => {
      if (deadline < draft.startsAt || deadline > draft.endsAt) {
        ctx.addIssue({
          code: "custom",
          path: ["deadlines", i],
          message: "must fall within the campaign",
        });
      }
    });
  });

export type CampaignDraft = z.infer<typeof campaignDraftSchema>;
/** What callers may hand in: criteria as lines, rules left to their defaults. */
export type CampaignDraftInput = z.input<typeof campaignDraftSchema>;

/** Campaign files for `npm run admin -- campaign import`: dates as people write them. */
export const campaignFileSchema = z.object({
  title: z.string(),
  description: z.string().optional(),
  start: z.string(),
  end: z.string(),
  /** Lines ("Trụ sở sạch sẽ | 10") or {title, maxScore, weight}. */
  criteria: z
    .array(
      z.union([
        z.string(),
        z.object({
          title: z.string(),
          maxScore: z.number().optional(),
          weight: z.number().optional(),
        }),
      ]),
    )
    .optional(),
  lateRule: z.union([z.string(), z.object({ deductPerDay: z.number().positive() })]).optional(),
  thresholds: z.array(z.object({ label: z.string(), min: z.number() })).optional(),
  deadlines: z.array(z.string()).min(1),
  hashtag: z.string().optional(),
  activate: z.boolean().default(false),
});
