import type { Translator } from "../i18n/translator.ts";
import { commandName, matchChoice } from "./answerText.ts";
import type { Capabilities } from "./capabilities.ts";
import { withNumberedChoices } from "./choiceText.ts";
import type { Clock } from "./clock.ts";
import { commandOfChoice, isCommandList } from "./commandChoice.ts";
import {
  audienceAllows,
  type CommandSpec,
  commandsOf,
  type Feature,
  type FlowSpec,
} from "./commands.ts";
import type { Actor, FlowControl, HandlerContext, KnownChat, StepInput } from "./context.ts";
import type { ConversationState } from "./conversation.ts";
import { AppError } from "./errors.ts";
import type { InboundEvent } from "./inbound.ts";
import type { Choice, OutboundMessage } from "./outbound.ts";
import type { Language } from "./roles.ts";

export interface Identity {
  actor: Actor | null;
  chat: KnownChat | null;
  /**
   * The conversation state stored for this person in this chat, when `identify` read
   * it with the rest (one statement for all three); absent: the router loads it.
   */
  conversation?: StoredConversation | null;
}

/** A conversation state row as stored (ConversationStore.parse reads it). */
export interface StoredConversation {
  flow: string;
  step: string;
  data: string;
  expiresAt: Date;
}

export interface RouterDeps<S> {
  features: Feature<S>[];
  services: S;
  identify(event: InboundEvent): Promise<Identity>;
  conversations: {
    load(key: string, now: Date): Promise<ConversationState | null>;
    parse(row: StoredConversation | null, now: Date): ConversationState | null;
    save(key: string, state: ConversationState, expiresAt: Date): Promise<void>;
    clear(key: string): Promise<void>;
  };
  translator: Translator;
  defaultLanguage: Language;
  conversationTtlMs: number;
  clock: Clock;
}

const LEAVE_FORM_FLOW = "_leave_form";
/** The last list of commands the bot sent this person: a soft question, not a form. */
const LIST_FLOW = "_list";

export const conversationKey = (event: InboundEvent) =>
  `${event.chat.platform}:${event.chat.platformChatId}:${event.from.platformUserId}`;

/**
 * The platform-neutral entry point: identify, pick the handler (command, flow step
 * or media), run it inside the error boundary, and return the replies. Dedupe and
 * durability are the inbound pipeline's (src/inbound/).
 */
export class Router<S> {
  readonly commands = new Map<string, CommandSpec<S>>();
  readonly #flows = new Map<string, FlowSpec<S>>();
  readonly #mediaHandlers: NonNullable<Feature<S>["onMedia"]>[] = [];

  constructor(private readonly deps: RouterDeps<S>) {
    for (const feature of deps.features) {
      for (const command of feature.commands ?? []) {
        for (const name of command.names) this.commands.set(commandName(name), command);
      }
      for (const flow of feature.flows ?? []) this.#flows.set(flow.name, flow);
      if (feature.onMedia) this.#mediaHandlers.push(feature.onMedia);
    }
  }

  /** Commands in the order features declared them, once each (for /help and menus). */
  listCommands(): CommandSpec<S>[] {
    return commandsOf(this.deps.features);
  }

  /**
   * The replies to one event. A user's mistake (an AppError) is answered; anything
   * else is thrown, so that the inbound pipeline rolls the update back and retries.
   */
  handle(event: InboundEvent, capabilities: Capabilities): Promise<OutboundMessage[]> {
    return this.#dispatch(event, capabilities);
  }

  async #dispatch(event: InboundEvent, capabilities: Capabilities): Promise<OutboundMessage[]> {
    const now = this.deps.clock.now();
    const identity = await this.deps.identify(event);
    const key = conversationKey(event);
    const state =
      identity.conversation === undefined
        ? await this.deps.conversations.load(key, now)
        : this.deps.conversations.parse(identity.conversation, now);
    const language = identity.actor?.language ?? this.#languageFromHint(event);
    const replies: OutboundMessage[] = [];
    let next: ConversationState | null = state;
    const flow: FlowControl = {
      goto: (name, step, data) => {
        next = { flow: name, step, data, choices: [] };
      },
      end: () => {
        next = null;
      },
      // A list is no form: a handler asking "is a form open?" hears no.
      get current() {
        return next && next.flow !== LIST_FLOW ? { flow: next.flow, step: next.step } : null;
      },
      offered: state && state.flow !== LIST_FLOW ? state.choices : [],
    };
    const ctx: HandlerContext<S> = {
      event,
      actor: identity.actor,
      chat: identity.chat,
      language,
      t: this.deps.translator.for(language),
      capabilities,
      clock: this.deps.clock,
      services: this.deps.services,
      flow,
      reply: (message) => replies.push(typeof message === "string" ? { text: message } : message),
    };

    // Known before handling, so that a handling that fails still leaves nothing said.
    if (this.#isSecret(event, state, null)) event.secret = true;
    let refusedPress: string | null = null;
    try {
      await this.#route(ctx, state);
    } catch (error) {
      if (event.pressId && event.chat.kind === "GROUP" && isNotYourButton(error)) {
        // Another member's prompt, or a dead one: told to the one who pressed, not the group.
        refusedPress = ctx.t("errors:not_your_button");
      } else {
        const message: OutboundMessage = { text: this.#describeError(ctx, error) };
        // An answer that is not one of the choices: ask again, with the choices.
        if (error instanceof AppError && error.code === "pick_a_choice" && state?.choices.length) {
          message.choices = state.choices;
        }
        replies.push(message);
      }
    }

    if (this.#isSecret(event, state, next)) event.secret = true;
    await this.#saveFlow(key, state, next, replies, now);
    if (event.pressId) {
      replies.unshift(pressAnswer(event, state, next, replies, capabilities, refusedPress));
    }
    return capabilities.buttons ? replies : replies.map((r) => withNumberedChoices(r, ctx.t));
  }

  async #route(routed: HandlerContext<S>, stored: ConversationState | null): Promise<void> {
    // An answer to a list ("2", or its button) is the command that line names; the
    // list itself is not a form, so everything else is handled as if it were not there
    // (and it stays the last list until something else replaces it).
    const listed = commandFromList(routed.event.payload, stored);
    const ctx = listed
      ? { ...routed, event: { ...routed.event, payload: { type: "command" as const, ...listed } } }
      : routed;
    const state = stored?.flow === LIST_FLOW ? null : stored;
    const { payload } = ctx.event;
    const inGroup = ctx.event.chat.kind === "GROUP";

    if (state?.flow === LEAVE_FORM_FLOW) {
      await this.#leaveOrStay(ctx, state, payload);
      return;
    }

    if (payload.type === "command") {
      const spec = this.commands.get(commandName(payload.command));
      if (!spec) throw new AppError("unknown_command", { command: payload.command });
      if (!audienceAllows(spec.audience, ctx.actor?.role ?? null)) {
        throw new AppError(ctx.actor ? "forbidden" : "not_linked");
      }
      if (state && spec.startsForm && !spec.leavesForm) {
        // Another form: ask before the half-filled one is thrown away.
        ctx.flow.goto(LEAVE_FORM_FLOW, "confirm", {
          command: payload.command,
          args: payload.args,
          previous: state,
        });
        ctx.reply({
          text: ctx.t("common:leave_form", { command: `/${payload.command}` }),
          choices: [
            { id: "leave", label: ctx.t("common:leave_form_yes") },
            { id: "stay", label: ctx.t("common:leave_form_no") },
          ],
        });
        return;
      }
      if (state && !spec.leavesForm) {
        // /status or /help in the middle of a form: answered, and the form waits on,
        // unless the command opened a question of its own.
        await spec.run(ctx, payload.args.trim());
        const now = ctx.flow.current;
        if (now?.flow === state.flow && now.step === state.step) {
          ctx.reply({
            text: ctx.t("common:form_still_open"),
            ...(state.choices.length ? { choices: state.choices } : {}),
          });
        }
        return;
      }
      ctx.flow.end();
      await spec.run(ctx, payload.args.trim());
      return;
    }

    // A sticker or a voice note gets a word on what the bot reads; a flow waits on.
    if (payload.type === "unsupported") {
      if (!inGroup) ctx.reply(ctx.t("common:unsupported_message"));
      return;
    }

    // A button (or a forged callback) counts only if it is one of the choices the
    // current step offered this person: a stale one changes nothing.
    if (payload.type === "choice" && !state?.choices.some((c) => c.id === payload.choiceId)) {
      if (!ctx.actor && !state) throw new AppError("not_linked");
      throw new AppError("stale_choice");
    }

    if (state) {
      const step = this.#flows.get(state.flow)?.steps[state.step];
      if (step) {
        await step(ctx, toStepInput(ctx.event, state.choices), state.data);
        return;
      }
      ctx.flow.end();
    }

    // In groups the bot answers commands and flows it started, and ignores chatter
    // (a photo of someone it does not know is chatter too, unless it was sent to the bot).
    if (inGroup && payload.type === "text") return;
    if (inGroup && payload.type === "media" && !ctx.actor && !ctx.event.toBot) return;
    if (!ctx.actor) throw new AppError("not_linked");

    if (payload.type === "media") {
      for (const onMedia of this.#mediaHandlers) {
        if (await onMedia(ctx)) return;
      }
      ctx.reply(ctx.t("common:media_unexpected"));
      return;
    }
    if (payload.type === "choice") {
      ctx.reply(ctx.t("common:choice_expired"));
      return;
    }
    ctx.reply(ctx.t("common:not_understood"));
  }

  /** The answer to "leave the form for this command?": run it, or go back where we were. */
  async #leaveOrStay(
    ctx: HandlerContext<S>,
    state: ConversationState,
    payload: InboundEvent["payload"],
  ): Promise<void> {
    const pending = state.data as { command: string; args: string; previous: ConversationState };
    const picked =
      payload.type === "choice"
        ? payload.choiceId
        : payload.type === "text"
          ? matchChoice(payload.text, state.choices)?.id
          : payload.type === "command"
            ? "leave"
            : undefined;
    if (picked === "stay") {
      const previous = pending.previous;
      ctx.flow.goto(previous.flow, previous.step, previous.data);
      ctx.reply({
        text: ctx.t("common:form_resumed"),
        ...(previous.choices.length ? { choices: previous.choices } : {}),
      });
      return;
    }
    if (picked !== "leave") throw new AppError("pick_a_choice");
    ctx.flow.end();
    const command =
      payload.type === "command" ? payload : { command: pending.command, args: pending.args };
    const spec = this.commands.get(commandName(command.command));
    if (!spec) throw new AppError("unknown_command", { command: command.command });
    if (!audienceAllows(spec.audience, ctx.actor?.role ?? null)) throw new AppError("forbidden");
    await spec.run(ctx, command.args.trim());
  }

  /** The event answered a secret flow, or opened one, or ran a secret command. */
  #isSecret(
    event: InboundEvent,
    before: ConversationState | null,
    after: ConversationState | null,
  ): boolean {
    const secretFlow = (state: ConversationState | null) =>
      state !== null && this.#flows.get(state.flow)?.secret === true;
    if (secretFlow(before) || secretFlow(after)) return true;
    const { payload } = event;
    const listed = payload.type === "choice" ? commandOfChoice(payload.choiceId) : null;
    const command = payload.type === "command" ? payload.command : listed?.command;
    return command !== undefined && this.commands.get(commandName(command))?.secret === true;
  }

  /** A stranger is answered in the language their app reports, when we speak it. */
  #languageFromHint(event: InboundEvent): Language {
    const hint = event.from.languageHint?.slice(0, 2).toLowerCase();
    return hint === "vi" || hint === "en" ? hint : this.deps.defaultLanguage;
  }

  #describeError(ctx: HandlerContext<S>, error: unknown): string {
    if (!(error instanceof AppError)) throw error;
    // In a group that is linked, "not linked" is about the person, not the group:
    // they are told how to join.
    const linkedGroup = ctx.event.chat.kind === "GROUP" && ctx.chat?.blocId != null;
    const code = error.code === "not_linked" && linkedGroup ? "not_member_in_group" : error.code;
    return ctx.t(`errors:${code}`, error.params);
  }

  async #saveFlow(
    key: string,
    before: ConversationState | null,
    next: ConversationState | null,
    replies: OutboundMessage[],
    now: Date,
  ): Promise<void> {
    const lastList = replies.findLast((r) => r.choices && r.choices.length > 0)?.choices;
    // A list of commands sent outside a form is kept, so that "2" answers it.
    const after: ConversationState | null =
      next ??
      (lastList && isCommandList(lastList)
        ? { flow: LIST_FLOW, step: "pick", data: null, choices: [] }
        : null);
    if (!after) {
      if (before) await this.deps.conversations.clear(key);
      return;
    }
    // A form keeps its own question; a list shown in the middle of it is not its answer.
    const offered =
      after.flow === LIST_FLOW
        ? lastList
        : replies.findLast((r) => r.choices?.length && !isCommandList(r.choices))?.choices;
    const sameStep = before && before.flow === after.flow && before.step === after.step;
    const choices =
      offered ?? (sameStep && after.choices.length === 0 ? before.choices : after.choices);
    await this.deps.conversations.save(
      key,
      { ...after, choices },
      new Date(now.getTime() + this.deps.conversationTtlMs),
    );
  }
}

/** The command a list's answer names: its button, or a typed answer to the last list. */
function commandFromList(
  payload: InboundEvent["payload"],
  state: ConversationState | null,
): { command: string; args: string } | null {
  if (payload.type === "choice") return commandOfChoice(payload.choiceId);
  if (payload.type !== "text" || state?.flow !== LIST_FLOW) return null;
  const picked = matchChoice(payload.text, state.choices);
  return picked ? commandOfChoice(picked.id) : null;
}

const isNotYourButton = (error: unknown) =>
  error instanceof AppError && (error.code === "stale_choice" || error.code === "not_linked");

/**
 * The one answer a press gets: a notice when it was refused in a group, else an empty
 * one (the button stops spinning); a prompt whose button was taken loses its buttons
 * once the conversation moved on (a list whose ticks change is edited instead).
 */
function pressAnswer(
  event: InboundEvent,
  before: ConversationState | null,
  after: ConversationState | null,
  replies: OutboundMessage[],
  capabilities: Capabilities,
  refused: string | null,
): OutboundMessage {
  const toast = event.pressId ?? "";
  if (refused !== null) return { text: refused, toast };
  const { payload } = event;
  const taken =
    payload.type === "choice" && (before?.choices.some((c) => c.id === payload.choiceId) ?? false);
  const moved =
    !after ||
    after.flow !== before?.flow ||
    after.step !== before.step ||
    replies.some((r) => r.choices?.length);
  const prompt = event.pressedMessageId;
  const clear =
    taken &&
    moved &&
    capabilities.editMessages &&
    prompt !== undefined &&
    !replies.some((r) => r.replaces === prompt);
  return { text: "", toast, ...(clear ? { clearChoicesOf: prompt } : {}) };
}

function toStepInput(event: InboundEvent, choices: Choice[]): StepInput {
  const { payload } = event;
  switch (payload.type) {
    case "choice":
      return { type: "choice", choiceId: payload.choiceId };
    case "media":
      return { type: "media", files: payload.files, caption: payload.caption };
    case "text": {
      const picked = matchChoice(payload.text, choices);
      return picked
        ? { type: "choice", choiceId: picked.id }
        : { type: "text", text: payload.text };
    }
    case "command":
      return { type: "text", text: `/${payload.command} ${payload.args}`.trim() };
    case "unsupported":
      throw new Error("unsupported payloads never reach a flow step");
  }
}
