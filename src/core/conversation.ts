import type { Choice } from "./outbound.ts";

/** Where a chat is in a guided flow, and the choices it was last offered. */
export interface ConversationState {
  flow: string;
  step: string;
  data: unknown;
  choices: Choice[];
}
