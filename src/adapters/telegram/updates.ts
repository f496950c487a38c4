import type { Message, Update, User } from "grammy/types";
import { z } from "zod";
import { parseCommand } from "../../core/commandText.ts";
import type { ChatRef, InboundEvent, InboundFile, Sender } from "../../core/inbound.ts";

/** Callback data of a choice button: "c:" and the choice id; nothing kept in memory. */
export const callbackDataSchema = z.string().regex(/^c:[A-Za-z0-9_:-]{1,60}$/);
export const choiceCallbackData = (choiceId: string) => `c:${choiceId}`;

/** The least a webhook body must be to be stored as an update. */
export const webhookUpdateSchema = z.looseObject({ update_id: z.number().int().nonnegative() });

export type FileFetcher = (fileId: string) => Promise<Uint8Array>;

export function senderOf(user: User): Sender {
  const name =
    [user.first_name, user.last_name].filter(Boolean).join(" ") || user.username || String(user.id);
  return {
    platformUserId: String(user.id),
    displayName: name,
    ...(user.language_code ? { languageHint: user.language_code } : {}),
  };
}

export function chatOf(message: Pick<Message, "chat">): ChatRef {
  return {
    platform: "telegram",
    platformChatId: String(message.chat.id),
    kind: message.chat.type === "private" ? "PRIVATE" : "GROUP",
  };
}

/** The photo (largest size) or document a message carries, as a lazily fetched file. */
export function fileOf(message: Message, fetchFile: FileFetcher): InboundFile | null {
  const forwarded = message.forward_origin !== undefined;
  const photo = message.photo?.at(-1);
  if (photo) {
    return {
      kind: "photo",
      platformFileId: photo.file_id,
      width: photo.width,
      height: photo.height,
      forwarded,
      ...(photo.file_size ? { declaredSize: photo.file_size } : {}),
      download: () => fetchFile(photo.file_id),
    };
  }
  const document = message.document;
  if (document) {
    return {
      kind: "document",
      platformFileId: document.file_id,
      forwarded,
      ...(document.file_size ? { declaredSize: document.file_size } : {}),
      ...(document.file_name ? { fileName: document.file_name } : {}),
      download: () => fetchFile(document.file_id),
    };
  }
  return null;
}

/** The message replies to the bot, or names it (@username in its text or caption). */
function isToBot(message: Message, botUsername: string): boolean {
  if (!botUsername) return false;
  const name = botUsername.toLowerCase();
  if (message.reply_to_message?.from?.username?.toLowerCase() === name) return true;
  const words = `${message.text ?? ""} ${message.caption ?? ""}`.toLowerCase();
  return words.includes(`@${name}`);
}

/**
 * One Telegram update as the core's InboundEvent, or null when it is not for the
 * bot (another bot's command, a service message, an unknown callback).
 */
export function toInboundEvent(
  update: Update,
  botUsername: string,
  fetchFile: FileFetcher,
): InboundEvent | null {
  const updateId = String(update.update_id);
  const query = update.callback_query;
  if (query?.message && query.data) {
    const data = callbackDataSchema.safeParse(query.data);
    if (!data.success) return null;
    return {
      updateId,
      chat: chatOf(query.message),
      from: senderOf(query.from),
      receivedAt: new Date(),
      payload: { type: "choice", choiceId: data.data.slice(2) },
      pressedMessageId: String(query.message.message_id),
      // Answered with the replies (a notice to whoever pressed, when refused in a group).
      pressId: query.id,
    };
  }
  const message = update.message;
  if (!message?.from) return null;
  const base = {
    updateId,
    chat: chatOf(message),
    from: senderOf(message.from),
    receivedAt: new Date(message.date * 1000),
    ...(message.reply_to_message
      ? { replyToMessageId: String(message.reply_to_message.message_id) }
      : {}),
    ...(isToBot(message, botUsername) ? { toBot: true } : {}),
  };
  if (message.text !== undefined) {
    const command = parseCommand(message.text, botUsername);
    if (command === "other-bot") return null;
    return {
      ...base,
      payload: command ? { type: "command", ...command } : { type: "text", text: message.text },
    };
  }
  const file = fileOf(message, fetchFile);
  if (file)
    return { ...base, payload: { type: "media", files: [file], caption: message.caption ?? "" } };
  return null;
}
