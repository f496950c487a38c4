import { z } from "zod";

/** The languages the bot speaks; every string has a Vietnamese and an English form. */
export const languageSchema = z.enum(["vi", "en"]);
export type Language = z.infer<typeof languageSchema>;
