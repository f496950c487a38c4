import { z } from "zod";
import { CONSOLE_CAPABILITIES } from "../../core/capabilities.ts";
import type { ChatRef, InboundEvent, InboundPayload } from "../../core/inbound.ts";
import type { OutboundMessage } from "../../core/outbound.ts";
import type { InboundSource, Translated, UpdateRef } from "../../core/port.ts";

export const CONSOLE_PLATFORM = "console";

/** The console has no platform limits to keep; these only keep the shared limiter honest. */
export const CONSOLE_LIMITS = { perSecond: 1000, perChatIntervalMs: 0, perGroupPerMinute: 10_000 };

/**
 * A line typed in the console as it is stored in the inbound table, like a platform's
 * update: the photos travel in it as base64 (a console chat runs on this machine and
 * sends few), so a restart can handle it again without the terminal.
 */
const consoleUpdateSchema = z.object({
  updateId: z.string().min(1),
  chatId: z.string().min(1),
  kind: z.enum(["PRIVATE", "GROUP"]),
  user: z.string().min(1),
  receivedAt: z.iso.datetime(),
  payload: z.discriminatedUnion("type", [
    z.object({ type: z.literal("text"), text: z.string() }),
    z.object({ type: z.literal("command"), command: z.string(), args: z.string() }),
    z.object({
      type: z.literal("media"),
      caption: z.string(),
      files: z.array(
        z.object({
          kind: z.enum(["photo", "document"]),
          fileName: z.string(),
          base64: z.string(),
        }),
      ),
    }),
  ]),
});
export type ConsoleUpdate = z.infer<typeof consoleUpdateSchema>;

/**
 * The console as an inbound source like Telegram and Zalo: its lines are stored,
 * deduplicated, handled and answered by the one pipeline, with its retries. Replies
 * are kept per chat until the console chat that sent the line takes them.
 */
export class ConsoleSource implements InboundSource {
  readonly platform = CONSOLE_PLATFORM;
  readonly capabilities = CONSOLE_CAPABILITIES;
  readonly limits = CONSOLE_LIMITS;
  readonly #replies = new Map<string, OutboundMessage[]>();

  describe(raw: unknown): UpdateRef | null {
    const update = consoleUpdateSchema.safeParse(raw);
    if (!update.success) return null;
    const chat = chatOf(update.data);
    return {
      updateKey: update.data.updateId,
      chatKey: chat.platformChatId,
      chat,
      userId: update.data.user,
    };
  }

  async translate(raw: unknown): Promise<Translated> {
    const update = consoleUpdateSchema.parse(raw);
    const stored = update.payload;
    const payload: InboundPayload =
      stored.type === "media"
        ? {
            type: "media",
            caption: stored.caption,
            files: stored.files.map((f) => {
              const bytes = new Uint8Array(Buffer.from(f.base64, "base64"));
              return {
                kind: f.kind,
                platformFileId: `${f.fileName}:${bytes.length}`,
                declaredSize: bytes.length,
                fileName: f.fileName,
                download: async () => bytes,
              };
            }),
          }
        : stored;
    const event: InboundEvent = {
      updateId: update.updateId,
      chat: chatOf(update),
      from: { platformUserId: update.user, displayName: update.user },
      receivedAt: new Date(update.receivedAt),
      payload,
    };
    return { type: "event", event };
  }

  async reply(chat: ChatRef, message: OutboundMessage): Promise<void> {
    const list = this.#replies.get(chat.platformChatId) ?? [];
    list.push(message);
    this.#replies.set(chat.platformChatId, list);
  }

  /** What the bot answered in a chat since the last take. */
  take(platformChatId: string): OutboundMessage[] {
    const list = this.#replies.get(platformChatId) ?? [];
    this.#replies.delete(platformChatId);
    return list;
  }
}

function chatOf(update: ConsoleUpdate): ChatRef {
  return { platform: CONSOLE_PLATFORM, platformChatId: update.chatId, kind: update.kind };
}
