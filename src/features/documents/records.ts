import { z } from "zod";

/*
 * What the meeting record, the proposal and the pledge list are made from: plain
 * records, not the ballot's or the registration's tables, so these documents do not
 * depend on how those features store them (yearFacts.ts turns their rows into these).
 */

export const ballotRecordSchema = z.object({
  /** What was put to the vote ("Suy tôn đơn vị dẫn đầu khối năm 2026"). */
  question: z.string().min(1),
  round: z.number().int().min(1),
  candidates: z.array(z.object({ unit: z.string().min(1), votes: z.number().int().min(0) })),
  /** Units entitled to vote, units that voted. */
  eligible: z.number().int().min(0),
  voted: z.number().int().min(0),
  /** Share of the eligible that must vote (0…1, e.g. 2/3) and that a candidate needs. */
  quorum: z.number().min(0).max(1),
  threshold: z.number().min(0).max(1),
  elected: z.array(z.string()),
  closedAt: z.date(),
  /** The quorum was met: the result stands. */
  valid: z.boolean(),
  /** The award proposed for those elected. */
  award: z.enum(["co_thi_dua", "bang_khen"]).default("co_thi_dua"),
});
export type BallotRecord = z.infer<typeof ballotRecordSchema>;

export const registrationRecordSchema = z.object({
  unit: z.string().min(1),
  /** Titles aimed at ("Cờ thi đua", "Tập thể lao động xuất sắc"). */
  titles: z.array(z.string()),
  /** The unit's commitments, one a line. */
  commitments: z.array(z.string()),
  state: z.enum(["submitted", "accepted", "returned", "draft"]),
  late: z.boolean(),
  submittedAt: z.date().nullable(),
});
export type RegistrationRecord = z.infer<typeof registrationRecordSchema>;
