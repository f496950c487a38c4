import { z } from "zod";

/**
 * LEAD runs the bloc; REVIEWER (a member of the bloc's council) reviews, scores and
 * ranks reports and changes nothing else; FOCAL reports for a unit; OFFICER sends a
 * unit's evidence.
 */
export const roleSchema = z.enum(["LEAD", "REVIEWER", "FOCAL", "OFFICER"]);
export type Role = z.infer<typeof roleSchema>;

/** Roles that belong to the bloc rather than to one unit. */
export const roleNeedsUnit = (role: Role) => role === "FOCAL" || role === "OFFICER";

/** Who may review reports, score them and see the ranking. */
export const REVIEWERS: readonly Role[] = ["LEAD", "REVIEWER"];

export const platformSchema = z.enum(["console", "telegram", "zalo"]);
export type Platform = z.infer<typeof platformSchema>;

// Kept here too so that roles, platforms and languages are read from one place.
export { type Language, languageSchema } from "../i18n/language.ts";
