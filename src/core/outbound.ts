/** One option of a choice; `id` is short and stable so a button can carry it. */
export interface Choice {
  id: string;
  label: string;
}

export interface OutboundFile {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

/** A photo the bot already keeps (evidence), named by its key in the media store. */
export interface KeptPhoto {
  storageKey: string;
  caption?: string;
}

/** A file too large to hold in memory (an export): sent from where it lies on disk. */
export interface OutboundDocument {
  fileName: string;
  mimeType: string;
  path: string;
  /** Where the person can download it instead: given again when the document cannot be sent. */
  url?: string;
}

/** Everything a handler can say. Each adapter renders it its own way. */
export interface OutboundMessage {
  text: string;
  /** Options the user picks from: buttons where the platform has them, numbered lines elsewhere. */
  choices?: Choice[];
  photo?: OutboundFile;
  /**
   * A photo the bot keeps (an announcement's), sent with the text as its caption, by
   * its storage key: the adapter reads or signs it, or reuses the platform's id of an
   * earlier upload, so a photo to 1,000 chats is not read 1,000 times.
   */
  photoKey?: string;
  /**
   * Photos the bot keeps, shown before the text: in albums where the app groups
   * photos, one message each elsewhere. Only for chats whose capabilities say photos.
   */
  album?: KeptPhoto[];
  documents?: OutboundDocument[];
  /**
   * The bot's message this one updates (a list whose ticks changed): edited in place
   * where the platform can edit, sent as a new message elsewhere.
   */
  replaces?: string;
  /**
   * Its links work once (a sign-in link): apps that open links to show a preview must
   * not open these, where the platform lets the bot say so.
   */
  noLinkPreview?: boolean;
  /** A button that opens this https page inside the app (where the app has them). */
  webApp?: { label: string; url: string };
  /**
   * Answers the press with this id (the event's `pressId`): `text`, if any, is shown
   * only to whoever pressed, as a passing notice; nothing is posted in the chat.
   */
  toast?: string;
  /** The bot's prompt whose buttons were answered: its buttons go, where messages can be edited. */
  clearChoicesOf?: string;
}
