import { type Api, GrammyError, InputFile } from "grammy";
import type { Message, PhotoSize } from "grammy/types";

/** Where the bytes of the photos the bot keeps are read from (the port's media store). */
export interface KeptMedia {
  get(storageKey: string): Promise<Uint8Array>;
}

/** Telegram's ids of uploaded photos kept per process: plenty for one announcement season. */
const REMEMBERED = 2_000;

type PhotoOptions = Parameters<Api["sendPhoto"]>[2];

const largest = (sizes: PhotoSize[] | undefined) => sizes?.at(-1)?.file_id;

/** Telegram refuses an id it no longer knows (another bot's, or expired): the photo is uploaded again. */
const staleId = (error: unknown) =>
  error instanceof GrammyError && error.error_code === 400 && /file|wrong/i.test(error.description);

/**
 * The photos the bot keeps, sent to Telegram by reference: the first send uploads the
 * bytes, every later one passes the `file_id` Telegram answered with. A photo
 * announcement to 1,000 chats is read and uploaded once; sends that start while the
 * first upload is on its way wait for its id instead of uploading too.
 */
export class TelegramKeptPhotos {
  readonly #ids = new Map<string, string>();
  readonly #uploading = new Map<string, Promise<string | undefined>>();

  constructor(private readonly media: KeptMedia) {}

  /** The uploaded id of a kept photo, if Telegram has it. */
  idOf(storageKey: string): string | undefined {
    return this.#ids.get(storageKey);
  }

  /** What to put in a send: the known id, or the bytes to upload. */
  async input(storageKey: string): Promise<string | InputFile> {
    return this.idOf(storageKey) ?? this.#file(storageKey);
  }

  /** Records the ids of photos just sent (an album answers one message per photo). */
  remember(storageKey: string, sent: Message | undefined): void {
    const id = largest(sent?.photo);
    if (!id) return;
    this.#ids.delete(storageKey);
    this.#ids.set(storageKey, id);
    if (this.#ids.size > REMEMBERED) {
      const oldest = this.#ids.keys().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
  }

  /** Forgets an id Telegram refused. */
  forget(storageKey: string): void {
    this.#ids.delete(storageKey);
  }

  /** One kept photo with a caption: by id when known, else uploaded once for every chat waiting. */
  async sendPhoto(
    api: Api,
    chatId: string,
    storageKey: string,
    options: PhotoOptions,
  ): Promise<Message.PhotoMessage> {
    const upload = async () => {
      const sent = await api.sendPhoto(chatId, await this.#file(storageKey), options);
      this.remember(storageKey, sent);
      return sent;
    };
    let id = this.idOf(storageKey);
    if (!id) {
      const pending = this.#uploading.get(storageKey);
      if (!pending) {
        const first = upload();
        const settled = first.then(
          (sent) => largest(sent.photo),
          () => undefined,
        );
        this.#uploading.set(storageKey, settled);
        void settled.finally(() => this.#uploading.delete(storageKey));
        return first;
      }
      id = await pending;
      if (!id) return upload();
    }
    try {
      return await api.sendPhoto(chatId, id, options);
    } catch (error) {
      if (!staleId(error)) throw error;
      this.forget(storageKey);
      return upload();
    }
  }

  async #file(storageKey: string): Promise<InputFile> {
    return new InputFile(
      await this.media.get(storageKey),
      storageKey.split("/").pop() ?? "photo.jpg",
    );
  }
}
