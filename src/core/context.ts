import type { Translate } from "../i18n/translator.ts";
import type { Capabilities } from "./capabilities.ts";
import type { Clock } from "./clock.ts";
import type { InboundEvent, InboundFile } from "./inbound.ts";
import type { Choice, OutboundMessage } from "./outbound.ts";
import type { Language, Role } from "./roles.ts";

/** The member behind a message, as handlers need them. */
export interface Actor {
  memberId: number;
  displayName: string;
  role: Role;
  blocId: number;
  blocName: string;
  timezone: string;
  unitId: number | null;
  unitName: string | null;
  language: Language;
  /** Bloc.campaignsVersion as read with the member: a copy of the bloc's campaigns is current while it matches. */
  campaignsVersion: number;
}

/** The chat a message came from, once the bot knows it. */
export interface KnownChat {
  id: number;
  blocId: number | null;
  unitId: number | null;
}

/** What a step of a guided flow receives. */
export type StepInput =
  | { type: "text"; text: string }
  | { type: "choice"; choiceId: string }
  | { type: "media"; files: InboundFile[]; caption: string };

/** Moves a chat through a guided flow; the state survives restarts. */
export interface FlowControl {
  /** Saves where the flow is, so the next message goes to `step`. */
  goto(flow: string, step: string, data: unknown): void;
  end(): void;
  readonly current: { flow: string; step: string } | null;
  /** The choices the current step offered (to ask its question again). */
  readonly offered: Choice[];
}

export interface HandlerContext<Services = unknown> {
  event: InboundEvent;
  actor: Actor | null;
  chat: KnownChat | null;
  language: Language;
  t: Translate;
  capabilities: Capabilities;
  clock: Clock;
  services: Services;
  flow: FlowControl;
  reply(message: OutboundMessage | string): void;
}

/** The handler of a command; `args` is the rest of the line, trimmed. */
export type CommandHandler<S> = (ctx: HandlerContext<S>, args: string) => Promise<void>;

/** A step of a guided flow. */
export type StepHandler<S> = (
  ctx: HandlerContext<S>,
  input: StepInput,
  data: unknown,
) => Promise<void>;
