import { z } from "zod";
import type { OutboundMessage } from "../core/outbound.ts";

/*
 * Replies are decided inside the handler's transaction and stored with the update,
 * so a crash between "committed" and "answered" answers after restart without
 * handling again. They are stored as the parts they are sent in (replyParts.ts),
 * so that `repliesSent` counts parts that arrived, and a part given up keeps why
 * (told to the person at the end). A photo's bytes travel as base64; documents
 * (exports) by their path, kept photos (evidence) by their storage key.
 */

/** One send of a stored reply, and what became of it when it was given up. */
export interface StoredPart {
  message: OutboundMessage;
  /** Why it did not arrive after its last try. */
  missed?: string;
  /** The message telling the person what did not arrive (added once, at the end). */
  notice?: boolean;
}

const fileSchema = z.object({ fileName: z.string(), mimeType: z.string(), base64: z.string() });
const storedSchema = z.array(
  z.object({
    text: z.string(),
    choices: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
    photo: fileSchema.optional(),
    photoKey: z.string().optional(),
    album: z.array(z.object({ storageKey: z.string(), caption: z.string().optional() })).optional(),
    documents: z
      .array(
        z.object({
          fileName: z.string(),
          mimeType: z.string(),
          path: z.string(),
          url: z.string().optional(),
        }),
      )
      .optional(),
    replaces: z.string().optional(),
    webApp: z.object({ label: z.string(), url: z.string() }).optional(),
    noLinkPreview: z.boolean().optional(),
    toast: z.string().optional(),
    clearChoicesOf: z.string().optional(),
    missed: z.string().optional(),
    notice: z.literal(true).optional(),
  }),
);

const encodeFile = (f: { fileName: string; mimeType: string; bytes: Uint8Array }) => ({
  fileName: f.fileName,
  mimeType: f.mimeType,
  base64: Buffer.from(f.bytes).toString("base64"),
});
const decodeFile = (f: z.infer<typeof fileSchema>) => ({
  fileName: f.fileName,
  mimeType: f.mimeType,
  bytes: new Uint8Array(Buffer.from(f.base64, "base64")),
});

export function encodeReplies(parts: StoredPart[]): string {
  return JSON.stringify(
    parts.map(({ message: r, missed, notice }) => ({
      text: r.text,
      ...(r.choices ? { choices: r.choices } : {}),
      ...(r.photo ? { photo: encodeFile(r.photo) } : {}),
      ...(r.photoKey ? { photoKey: r.photoKey } : {}),
      ...(r.album ? { album: r.album } : {}),
      ...(r.documents ? { documents: r.documents } : {}),
      ...(r.replaces ? { replaces: r.replaces } : {}),
      ...(r.webApp ? { webApp: r.webApp } : {}),
      ...(r.noLinkPreview ? { noLinkPreview: true } : {}),
      ...(r.toast !== undefined ? { toast: r.toast } : {}),
      ...(r.clearChoicesOf ? { clearChoicesOf: r.clearChoicesOf } : {}),
      ...(missed !== undefined ? { missed } : {}),
      ...(notice ? { notice } : {}),
    })),
  );
}

export function decodeReplies(stored: string | null): StoredPart[] {
  if (!stored) return [];
  return storedSchema.parse(JSON.parse(stored)).map((r) => ({
    message: {
      text: r.text,
      ...(r.choices ? { choices: r.choices } : {}),
      ...(r.photo ? { photo: decodeFile(r.photo) } : {}),
      ...(r.photoKey ? { photoKey: r.photoKey } : {}),
      ...(r.album ? { album: r.album } : {}),
      ...(r.documents ? { documents: r.documents } : {}),
      ...(r.replaces ? { replaces: r.replaces } : {}),
      ...(r.webApp ? { webApp: r.webApp } : {}),
      ...(r.noLinkPreview ? { noLinkPreview: true } : {}),
      ...(r.toast !== undefined ? { toast: r.toast } : {}),
      ...(r.clearChoicesOf ? { clearChoicesOf: r.clearChoicesOf } : {}),
    },
    ...(r.missed !== undefined ? { missed: r.missed } : {}),
    ...(r.notice ? { notice: true } : {}),
  }));
}
