import { z } from "zod";

export const roleSchema = z.enum(["LEAD", "FOCAL", "OFFICER"]);
export type Role = z.infer<typeof roleSchema>;

export const platformSchema = z.enum(["console", "telegram", "zalo"]);
export type Platform = z.infer<typeof platformSchema>;

export const languageSchema = z.enum(["vi", "en"]);
export type Language = z.infer<typeof languageSchema>;
