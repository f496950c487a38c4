import { z } from "zod";

export const reportStatusSchema = z.enum(["DONE", "IN_PROGRESS", "NOT_STARTED"]);
export type ReportStatus = z.infer<typeof reportStatusSchema>;

export const REPORT_STATUSES = reportStatusSchema.options;

export const noteSchema = z.string().trim().max(2000);
