import { z } from "zod";
import { parseCommand } from "../../core/commandText.ts";
import type { InboundEvent } from "../../core/inbound.ts";

/*
 * The Zalo Bot API update, as documented and as seen in real captures: accepted
 * both wrapped in {ok, result} and flat; `photo_url` (current) or `photo` (older);
 * unknown event names tolerated.
 */

export const zaloMessageSchema = z.looseObject({
  message_id: z.string().min(1),
  date: z.number().optional(),
  from: z.looseObject({
    id: z.string().min(1),
    display_name: z.string().optional(),
    name: z.string().optional(),
    is_bot: z.boolean().optional(),
  }),
  chat: z.looseObject({ id: z.string().min(1), chat_type: z.string().optional() }),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo_url: z.string().optional(),
  photo: z.string().optional(),
});

export const zaloUpdateSchema = z.looseObject({
  event_name: z.string(),
  message: zaloMessageSchema.optional(),
});

export type ZaloUpdate = z.infer<typeof zaloUpdateSchema>;

const wrappedSchema = z.object({ ok: z.literal(true), result: zaloUpdateSchema });

/** An update from a webhook body or a getUpdates result, in either envelope; null if neither. */
export function parseZaloUpdate(body: unknown): ZaloUpdate | null {
  const wrapped = wrappedSchema.safeParse(body);
  if (wrapped.success) return wrapped.data.result;
  const flat = zaloUpdateSchema.safeParse(body);
  return flat.success ? flat.data : null;
}

/** Dedupe key: message ids are only unique within a chat. */
export const updateKeyOf = (update: ZaloUpdate) =>
  update.message ? `${update.message.chat.id}:${update.message.message_id}` : null;

export const photoUrlOf = (update: ZaloUpdate) =>
  update.message?.photo_url ?? update.message?.photo ?? null;

/**
 * In a group Zalo delivers only messages that mention the bot ("@Bot Thi Đua /join
 * ABC"): the command after the mention is what the person said to the bot.
 */
function withoutMention(text: string, kind: "GROUP" | "PRIVATE"): string {
  if (kind !== "GROUP") return text;
  const command = /^@[^/\n]{1,60}?\s(\/\S[\s\S]*)$/u.exec(text.trim());
  return command?.[1] ?? text;
}

/**
 * The core's event for an update. Photos come with their bytes already downloaded
 * (Zalo's URLs have no known lifetime), handed in as `photo`.
 */
export function toInboundEvent(
  update: ZaloUpdate,
  photo: { bytes: Uint8Array; url: string; declaredSize?: number } | null,
): InboundEvent | null {
  const message = update.message;
  if (!message) return null;
  const base = {
    updateId: `${message.chat.id}:${message.message_id}`,
    chat: {
      platform: "zalo" as const,
      platformChatId: message.chat.id,
      kind: message.chat.chat_type === "GROUP" ? ("GROUP" as const) : ("PRIVATE" as const),
    },
    // In a group Zalo delivers only what mentions or quotes the bot: all of it is to the bot.
    ...(message.chat.chat_type === "GROUP" ? { toBot: true } : {}),
    from: {
      platformUserId: message.from.id,
      displayName: message.from.display_name ?? message.from.name ?? message.from.id,
    },
    receivedAt: message.date
      ? new Date(message.date > 1e12 ? message.date : message.date * 1000)
      : new Date(),
  };
  if (update.event_name === "message.text.received" && message.text !== undefined) {
    const command = parseCommand(withoutMention(message.text, base.chat.kind));
    return {
      ...base,
      payload:
        command && command !== "other-bot"
          ? { type: "command", ...command }
          : { type: "text", text: message.text },
    };
  }
  if (update.event_name === "message.image.received" && photo) {
    const bytes = photo.bytes;
    return {
      ...base,
      payload: {
        type: "media",
        caption: message.caption ?? message.text ?? "",
        files: [
          {
            kind: "photo",
            platformFileId: photo.url,
            // A download stops past the size cap: then only the server's figure is true.
            ...(photo.declaredSize !== undefined ? { declaredSize: photo.declaredSize } : {}),
            download: async () => bytes,
          },
        ],
      },
    };
  }
  return { ...base, payload: { type: "unsupported", what: update.event_name } };
}
