import { type Api, GrammyError, HttpError, InputFile } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { PlatformError } from "../../core/errors.ts";
import type { KeptPhoto, OutboundMessage } from "../../core/outbound.ts";
import { splitText } from "../../core/splitText.ts";
import { TELEGRAM_CAPABILITIES } from "./capabilities.ts";
import type { TelegramKeptPhotos } from "./keptPhotos.ts";
import { choiceCallbackData } from "./updates.ts";

export const TEXT_LIMIT = TELEGRAM_CAPABILITIES.textLimit;
export const CAPTION_LIMIT = 1024;
/** A media group holds 2 to 10 photos; one photo alone goes as a photo message. */
export const ALBUM_LIMIT = 10;

function keyboard(message: OutboundMessage): InlineKeyboardMarkup | undefined {
  const rows: InlineKeyboardMarkup["inline_keyboard"] = (message.choices ?? []).map((c) => [
    { text: c.label.slice(0, 64), callback_data: choiceCallbackData(c.id) },
  ]);
  if (message.webApp) {
    rows.push([{ text: message.webApp.label.slice(0, 64), web_app: { url: message.webApp.url } }]);
  }
  return rows.length ? { inline_keyboard: rows } : undefined;
}

/**
 * Edits the bot's earlier message (text and buttons). Answers false when Telegram
 * will not (too old, deleted): the caller then sends a new message instead.
 */
async function editInPlace(
  api: Api,
  chatId: string,
  messageId: string,
  text: string,
  markup: InlineKeyboardMarkup | undefined,
): Promise<boolean> {
  try {
    await api.editMessageText(chatId, Number(messageId), text, {
      ...(markup ? { reply_markup: markup } : {}),
    });
    return true;
  } catch (error) {
    // Pressing a button that changes nothing: the message already says it.
    if (error instanceof GrammyError && /not modified/i.test(error.description)) return true;
    if (error instanceof GrammyError && error.error_code === 400) return false;
    throw error;
  }
}

/** Kept photos as media groups of up to ten, by reference once uploaded; answers the last message's id. */
async function sendAlbum(
  api: Api,
  chatId: string,
  album: KeptPhoto[],
  photos: TelegramKeptPhotos,
): Promise<string> {
  let lastId = "";
  for (let start = 0; start < album.length; start += ALBUM_LIMIT) {
    const chunk = album.slice(start, start + ALBUM_LIMIT);
    const caption = (photo: KeptPhoto) =>
      photo.caption ? { caption: photo.caption.slice(0, CAPTION_LIMIT) } : {};
    if (chunk.length === 1 && chunk[0]) {
      const sent = await photos.sendPhoto(api, chatId, chunk[0].storageKey, caption(chunk[0]));
      lastId = String(sent.message_id);
      continue;
    }
    const group = async () =>
      api.sendMediaGroup(
        chatId,
        await Promise.all(
          chunk.map(async (photo) => ({
            type: "photo" as const,
            media: await photos.input(photo.storageKey),
            ...caption(photo),
          })),
        ),
      );
    let sent: Awaited<ReturnType<typeof group>>;
    try {
      sent = await group();
    } catch (error) {
      if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
      // An id Telegram no longer knows: the group goes again with every photo uploaded.
      for (const photo of chunk) photos.forget(photo.storageKey);
      sent = await group();
    }
    for (const [i, photo] of chunk.entries()) photos.remember(photo.storageKey, sent[i]);
    lastId = String(sent.at(-1)?.message_id ?? lastId);
  }
  return lastId;
}

/**
 * Answers a button press (a notice to whoever pressed, or nothing to read) and takes
 * the buttons off the prompt it answered. Both are best effort: a press answered too
 * late (Telegram gives some seconds) or a prompt already edited changes nothing.
 */
async function answerPress(api: Api, chatId: string, message: OutboundMessage): Promise<void> {
  const quietly = async (call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (error) {
      if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
    }
  };
  const press = message.toast;
  if (press) {
    await quietly(() =>
      api.answerCallbackQuery(press, message.text ? { text: message.text.slice(0, 200) } : {}),
    );
  }
  const prompt = message.clearChoicesOf;
  if (prompt) {
    await quietly(() =>
      api.editMessageReplyMarkup(chatId, Number(prompt), {
        reply_markup: { inline_keyboard: [] },
      }),
    );
  }
}

/**
 * Sends one OutboundMessage: kept photos as albums, a photo with its caption (the
 * rest of a long text follows as messages), documents, and text split at Telegram's
 * limit with the buttons on the last part. Answers the id of the last message sent.
 */
export async function sendTelegramMessage(
  api: Api,
  chatId: string,
  message: OutboundMessage,
  photos: TelegramKeptPhotos,
): Promise<string> {
  if (message.toast !== undefined || message.clearChoicesOf) {
    await answerPress(api, chatId, message);
    // A notice is for the one who pressed: nothing of it goes to the chat.
    if (message.toast !== undefined) return message.clearChoicesOf ?? "";
  }
  let lastId = "";
  if (message.album?.length) lastId = await sendAlbum(api, chatId, message.album, photos);
  let text = message.text;
  const markup = keyboard(message);
  if (
    message.replaces &&
    !message.photo &&
    !message.photoKey &&
    !message.album &&
    !message.documents &&
    text.length <= TEXT_LIMIT
  ) {
    const edited = await editInPlace(api, chatId, message.replaces, text, markup);
    if (edited) return message.replaces;
  }
  if (message.photo || message.photoKey) {
    const [caption = "", ...rest] = splitText(text, CAPTION_LIMIT);
    const options = { caption, ...(rest.length === 0 && markup ? { reply_markup: markup } : {}) };
    const sent = message.photoKey
      ? await photos.sendPhoto(api, chatId, message.photoKey, options)
      : await api.sendPhoto(
          chatId,
          new InputFile(message.photo?.bytes ?? new Uint8Array(), message.photo?.fileName),
          options,
        );
    lastId = String(sent.message_id);
    text = rest.join("\n");
  }
  for (const doc of message.documents ?? []) {
    const sent = await api.sendDocument(chatId, new InputFile(doc.path, doc.fileName));
    lastId = String(sent.message_id);
  }
  // Telegram's preview fetcher would open a one-time link before the person does.
  const preview = message.noLinkPreview ? { link_preview_options: { is_disabled: true } } : {};
  const parts = text ? splitText(text, TEXT_LIMIT) : [];
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const sent = await api.sendMessage(chatId, part, {
      ...preview,
      ...(last && markup ? { reply_markup: markup } : {}),
    });
    lastId = String(sent.message_id);
  }
  return lastId;
}

/** Telegram's failures in the core's terms. */
export function toPlatformError(error: unknown): PlatformError | unknown {
  if (error instanceof GrammyError) {
    const reason = `${error.method}: ${error.error_code} ${error.description}`;
    if (error.error_code === 429) {
      return new PlatformError(reason, "rate_limited", (error.parameters.retry_after ?? 1) * 1000);
    }
    if (error.error_code === 403) return new PlatformError(reason, "blocked");
    if (error.error_code >= 500) return new PlatformError(reason, "transient");
    return new PlatformError(reason, "permanent");
  }
  if (error instanceof HttpError)
    return new PlatformError(`network: ${error.message}`, "transient");
  return error;
}

/** The new id when Telegram says a group became a supergroup, else null. */
export function migratedTo(error: unknown): string | null {
  if (error instanceof GrammyError && error.parameters.migrate_to_chat_id) {
    return String(error.parameters.migrate_to_chat_id);
  }
  return null;
}
