import type { CommandHandler, HandlerContext, StepHandler } from "./context.ts";
import type { Language, Role } from "./roles.ts";

/** Who may run a command: anyone (even an unlinked chat), any member, or some roles. */
export type Audience = "anyone" | "member" | readonly Role[];

export interface CommandSpec<S> {
  /**
   * Names without the slash: the English one first, then the Vietnamese one when there
   * is one (`shownNames` puts each language's first); any is accepted.
   */
  names: readonly string[];
  audience: Audience;
  /** Key of the one-line description in the `help` namespace. */
  helpKey: string;
  /** Only listed in /help for people who have not joined yet. */
  strangersOnly?: boolean;
  /** Opens a form: with another one half-filled, the user is asked before it is dropped. */
  startsForm?: boolean;
  /** Ends a form in progress without asking (/cancel). */
  leavesForm?: boolean;
  /** What is typed with it is secret (a vote): the pipeline keeps none of it once handled. */
  secret?: boolean;
  run: CommandHandler<S>;
}

export interface FlowSpec<S> {
  name: string;
  /** Its answers are secret (a vote): the pipeline keeps none of them once handled. */
  secret?: boolean;
  steps: Record<string, StepHandler<S>>;
}

/** A feature contributes commands, flows and (optionally) a handler for stray media. */
export interface Feature<S> {
  commands?: CommandSpec<S>[];
  flows?: FlowSpec<S>[];
  /** Photos or files sent outside a flow; answers true when it handled them. */
  onMedia?: (ctx: HandlerContext<S>) => Promise<boolean>;
}

/** Commands in the order features declared them, once each (for /help and menus). */
export function commandsOf<S>(features: readonly Feature<S>[]): CommandSpec<S>[] {
  return [...new Set(features.flatMap((f) => f.commands ?? []))];
}

export function audienceAllows(audience: Audience, role: Role | null): boolean {
  if (audience === "anyone") return true;
  if (role === null) return false;
  if (audience === "member") return true;
  return audience.includes(role);
}

/** A command's names as /help shows them in a language: its own name first. */
export function shownNames(names: readonly string[], language: Language): readonly string[] {
  if (language !== "vi" || names.length < 2) return names;
  const [english = "", vietnamese = "", ...rest] = names;
  return [vietnamese, english, ...rest];
}
