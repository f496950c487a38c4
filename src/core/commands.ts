import type { CommandHandler, HandlerContext, StepHandler } from "./context.ts";
import type { Role } from "./roles.ts";

/** Who may run a command: anyone (even an unlinked chat), any member, or some roles. */
export type Audience = "anyone" | "member" | readonly Role[];

export interface CommandSpec<S> {
  /** Names without the slash; the first is the one /help shows, the others are aliases. */
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
  run: CommandHandler<S>;
}

export interface FlowSpec<S> {
  name: string;
  steps: Record<string, StepHandler<S>>;
}

/** A feature contributes commands, flows and (optionally) a handler for stray media. */
export interface Feature<S> {
  commands?: CommandSpec<S>[];
  flows?: FlowSpec<S>[];
  /** Photos or files sent outside a flow; answers true when it handled them. */
  onMedia?: (ctx: HandlerContext<S>) => Promise<boolean>;
}

export function audienceAllows(audience: Audience, role: Role | null): boolean {
  if (audience === "anyone") return true;
  if (role === null) return false;
  if (audience === "member") return true;
  return audience.includes(role);
}
