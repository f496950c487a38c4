import type { Capabilities } from "../../core/capabilities.ts";

export const TELEGRAM_CAPABILITIES: Capabilities = {
  textLimit: 4096,
  buttons: true,
  editMessages: true,
  groups: true,
  documents: true,
  webApps: true,
  photos: "upload",
};
