import { parseArgs } from "node:util";
import type { App } from "../app.ts";
import { AppError } from "../core/errors.ts";
import { AdminError, type AdminResult } from "./adminResult.ts";
import type { AdminVerb } from "./adminVerb.ts";
import { ballotVerbs } from "./verbs/ballotVerbs.ts";
import { blocVerbs } from "./verbs/blocVerbs.ts";
import { campaignVerbs } from "./verbs/campaignVerbs.ts";
import { dbCopyVerb } from "./verbs/dbCopy.ts";
import { documentsVerb } from "./verbs/documentsVerb.ts";
import { evidenceSimilarVerb } from "./verbs/evidenceSimilar.ts";
import { exportVerbs } from "./verbs/exportVerbs.ts";
import { inboxVerbs } from "./verbs/inboxVerbs.ts";
import { inviteVerbs } from "./verbs/inviteVerbs.ts";
import { memberVerbs } from "./verbs/memberVerbs.ts";
import { rankingVerb } from "./verbs/rankingVerb.ts";
import { reminderVerbs } from "./verbs/reminderVerbs.ts";
import { unitVerbs } from "./verbs/unitVerbs.ts";

/*
 * The operator's terminal commands (npm run admin -- …): a table of verbs, each in
 * the file of its noun under verbs/. Each returns a value for --json and a human
 * text; a refusal throws AdminError with a one-line reason. The usage text is made
 * from the same table, so a verb cannot be missing from it.
 */

export { AdminError, type AdminResult };

/** In the order the usage lists them. */
export const ADMIN_VERBS: readonly AdminVerb[] = [
  ...blocVerbs,
  ...unitVerbs,
  ...memberVerbs,
  ...inviteVerbs,
  ...campaignVerbs,
  ...exportVerbs,
  evidenceSimilarVerb,
  rankingVerb,
  documentsVerb,
  ...reminderVerbs,
  ...ballotVerbs,
  ...inboxVerbs,
  dbCopyVerb,
];

function usageOf(verbs: readonly AdminVerb[]): string {
  const lines = verbs.map((verb) => {
    const call = `${verb.words} ${verb.args}`.trim();
    return verb.does ? `  ${call.padEnd(26)} ${verb.does}` : `  ${call}`;
  });
  return ["usage: npm run admin -- <command> [--json]", ...lines].join("\n");
}

export const ADMIN_USAGE = usageOf(ADMIN_VERBS);

/** The verb the words name: the longest match ("export verify" before "export"). */
function verbOf(positionals: string[]): { verb: AdminVerb; args: string[] } | null {
  let found: { verb: AdminVerb; args: string[] } | null = null;
  for (const verb of ADMIN_VERBS) {
    const words = verb.words.split(" ");
    const matches = words.every((word, i) => positionals[i] === word);
    if (matches && (!found || words.length > found.verb.words.split(" ").length)) {
      found = { verb, args: positionals.slice(words.length) };
    }
  }
  return found;
}

export async function runAdminCommand(app: App, argv: string[]): Promise<AdminResult> {
  const optionNames = new Set(ADMIN_VERBS.flatMap((verb) => verb.options ?? []));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      ...Object.fromEntries([...optionNames].map((name) => [name, { type: "string" as const }])),
    },
    strict: true,
  });
  const found = verbOf(positionals);
  if (!found) {
    throw new AdminError(`unknown command "${positionals.join(" ")}"\n${ADMIN_USAGE}`, 2);
  }
  const options: Record<string, string | undefined> = {};
  for (const name of found.verb.options ?? []) {
    const value = (values as Record<string, string | boolean | undefined>)[name];
    options[name] = typeof value === "string" ? value : undefined;
  }
  try {
    return await found.verb.run({ app, args: found.args, options });
  } catch (error) {
    if (error instanceof AppError) {
      // The terminal speaks English throughout, like the usage text around it.
      const t = app.translator.for("en");
      throw new AdminError(t(`errors:${error.code}`, { usage: ADMIN_USAGE, ...error.params }));
    }
    throw error;
  }
}

export function wantsJson(argv: string[]): boolean {
  return argv.includes("--json");
}
