import type { Choice } from "./outbound.ts";

/*
 * A list the bot sends is a question: "several campaigns are open, which one?" after
 * /export is answered "2" on a phone or with a button. Each line is a choice that runs
 * a command ("/export 7"); the router keeps the list as a soft question, which a
 * number answers and anything else leaves behind. A button that runs a command is
 * never stale: it is what the person could have typed.
 */

const PREFIX = "run:";
/** What a button's data may carry (the Telegram adapter's rule), spaces as "_". */
const SAFE_ARGS = /^[A-Za-z0-9_-]*$/;

/** The choice that runs `/command args` when picked. */
export function commandChoice(command: string, args: string, label: string): Choice {
  const packed = args.trim().replace(/\s+/g, "_");
  if (!SAFE_ARGS.test(packed)) throw new Error(`a command choice cannot carry "${args}"`);
  return { id: `${PREFIX}${command}:${packed}`, label };
}

/** The command a choice runs, or null for an ordinary choice. */
export function commandOfChoice(id: string): { command: string; args: string } | null {
  if (!id.startsWith(PREFIX)) return null;
  const [command = "", packed = ""] = id.slice(PREFIX.length).split(":");
  return command ? { command, args: packed.replace(/_/g, " ") } : null;
}

/** True when every choice of a list runs a command: a list, not a form's question. */
export const isCommandList = (choices: Choice[]) =>
  choices.length > 0 && choices.every((c) => commandOfChoice(c.id) !== null);
