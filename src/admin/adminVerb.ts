import { z } from "zod";
import type { App } from "../app.ts";
import { AdminError, type AdminResult } from "./adminResult.ts";

/** What a verb is given: the app, the words after its name, and the options it declared. */
export interface AdminInput {
  app: App;
  args: string[];
  options: Record<string, string | undefined>;
}

/** One operator's command: the words that name it, its usage and what it does, and the work. */
export interface AdminVerb {
  /** "bloc create"; a verb of one word ("ranking") takes the next word as its argument. */
  words: string;
  /** The arguments as the usage text shows them. */
  args: string;
  does?: string;
  /** The --options it reads (all take a value). */
  options?: readonly string[];
  run(input: AdminInput): Promise<AdminResult>;
}

/** A positive whole number, or a usage error naming what was expected. */
export const id = (label: string, value: string | undefined): number => {
  const parsed = z.coerce.number().int().positive().safeParse(value);
  if (!parsed.success)
    throw new AdminError(`${label} must be a positive number, got "${value ?? ""}"`, 2);
  return parsed.data;
};

/** The rest of the words as one text, or a usage error naming what was expected. */
export const text = (label: string, parts: string[]): string => {
  const joined = parts.join(" ").trim();
  if (!joined) throw new AdminError(`${label} is missing (npm run admin -- --help)`, 2);
  return joined;
};
