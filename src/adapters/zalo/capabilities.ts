import type { Capabilities } from "../../core/capabilities.ts";

/**
 * No buttons, no edits, no documents, private chats only, photos by URL (DESIGN.md,
 * platform table; sendPhoto takes a URL Zalo fetches, nothing is uploaded).
 */
export const ZALO_CAPABILITIES: Capabilities = {
  textLimit: 2000,
  buttons: false,
  editMessages: false,
  groups: false,
  documents: false,
  photosByUrl: true,
};

/** Photos go to Zalo only as links it fetches: with signed links to a public address. */
export const zaloCapabilities = (photoLinks: boolean): Capabilities =>
  photoLinks ? { ...ZALO_CAPABILITIES, photos: "link" } : ZALO_CAPABILITIES;
