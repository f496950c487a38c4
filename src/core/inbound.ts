import type { Platform } from "./roles.ts";

/** Where a message came from, in platform terms. */
export interface ChatRef {
  platform: Platform;
  platformChatId: string;
  kind: "PRIVATE" | "GROUP";
}

export interface Sender {
  platformUserId: string;
  displayName: string;
  /** The language the platform reports for the user, if any. */
  languageHint?: string;
}

/**
 * A photo or file the user sent. The bytes are fetched lazily, because only the
 * evidence service knows whether it wants them (and Zalo's URLs must be fetched at
 * once: its adapter fetches before building the event).
 */
export interface InboundFile {
  kind: "photo" | "document";
  platformFileId: string;
  /** Size the platform announced, when it did; checked before downloading. */
  declaredSize?: number;
  width?: number;
  height?: number;
  fileName?: string;
  /** The platform marks it forwarded from elsewhere; absent where the platform does not say. */
  forwarded?: boolean;
  download(): Promise<Uint8Array>;
}

export type InboundPayload =
  | { type: "command"; command: string; args: string }
  | { type: "text"; text: string }
  | { type: "choice"; choiceId: string }
  | { type: "media"; files: InboundFile[]; caption: string }
  /** A sticker, voice note or anything else the bot cannot read. */
  | { type: "unsupported"; what: string };

/** One platform update, as every handler sees it. */
export interface InboundEvent {
  /** Unique per platform; a second event with the same id is dropped. */
  updateId: string;
  chat: ChatRef;
  from: Sender;
  receivedAt: Date;
  payload: InboundPayload;
  /** Id of the bot message this one replies to, when the platform tells. */
  replyToMessageId?: string;
  /** Id of the bot message whose button was pressed (a choice). */
  pressedMessageId?: string;
  /**
   * The message replies to the bot or names it. In a group the bot speaks up about a
   * photo without a hashtag only then (or when the sender has a form open).
   */
  toBot?: boolean;
  /**
   * A button press the platform waits to see answered (a Telegram callback query):
   * the replies answer it once, as a passing notice to whoever pressed (`toast`).
   */
  pressId?: string;
  /**
   * Set by the router when the event answered a secret step (a ballot): the pipeline
   * keeps none of what it said once it is handled (features/ballot, docs/architecture.md).
   */
  secret?: boolean;
}
