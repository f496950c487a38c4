/**
 * What a platform can do, declared by its adapter so that the core decides from
 * flags, never from platform names.
 */
export interface Capabilities {
  /** Longest text a single message may carry. */
  textLimit: number;
  /** Choices become buttons (true) or numbered lines the user answers (false). */
  buttons: boolean;
  /** A sent message can be edited (live progress in place). */
  editMessages: boolean;
  /** The platform has group chats the bot can sit in. */
  groups: boolean;
  /** Files (exports) can be sent as documents. */
  documents: boolean;
  /** A button can open a web page inside the app, signed in (a Telegram Mini App). */
  webApps?: boolean;
  /**
   * How the app is sent a photo the bot keeps: uploaded with the message, or as a link
   * it fetches itself (only when the bot has a public address); absent when it cannot be.
   */
  photos?: "upload" | "link";
  /**
   * Photos go out as a link the platform fetches itself (Zalo has no upload): without
   * a public address the bot cannot send one.
   */
  photosByUrl?: boolean;
  /** The person reads on the machine the bot runs on (the console): its own address opens. */
  onThisMachine?: boolean;
}

export const CONSOLE_CAPABILITIES: Capabilities = {
  textLimit: 100_000,
  buttons: false,
  editMessages: false,
  groups: true,
  documents: true,
  photos: "upload",
  onThisMachine: true,
};
