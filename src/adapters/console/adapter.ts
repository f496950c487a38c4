import { randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { CONSOLE_CAPABILITIES } from "../../core/capabilities.ts";
import type { Clock } from "../../core/clock.ts";
import { parseCommand } from "../../core/commandText.ts";
import type { InboundFile } from "../../core/inbound.ts";
import type { OutboundMessage } from "../../core/outbound.ts";
import type { ReceiveResult } from "../../core/port.ts";
import type { ConsoleSource, ConsoleUpdate } from "./source.ts";

/** The inbound pipeline, as the console reaches it: it waits for each line's answer. */
export interface WaitingInbound {
  receiveAndWait(source: ConsoleSource, raw: ConsoleUpdate): Promise<ReceiveResult>;
}

/** Who is typing and where: a person's private chat, or a named group. */
export interface ConsoleSpeaker {
  name: string;
  group: string | null;
}

/**
 * A chat in the terminal (and the way tests drive the bot): each speaker is a
 * console user with their own private chat, so one person can try every role.
 * Each line goes through the inbound pipeline as a platform's update does (stored,
 * deduplicated, handled, answered); `send` resolves with what the bot answered.
 */
export class ConsoleChat {
  readonly capabilities = CONSOLE_CAPABILITIES;
  speaker: ConsoleSpeaker;
  #sequence = 0;
  // Update ids must not repeat across restarts, or dedupe would drop new lines.
  readonly #session = randomUUID().slice(0, 8);
  /** The last line sent, as stored: a test sends it again as a redelivery would. */
  lastUpdate: ConsoleUpdate | null = null;

  constructor(
    private readonly inbound: WaitingInbound,
    private readonly source: ConsoleSource,
    private readonly clock: Clock,
    initialSpeaker = "guest",
  ) {
    this.speaker = { name: initialSpeaker, group: null };
  }

  as(name: string, group: string | null = null): this {
    this.speaker = { name, group };
    return this;
  }

  /** Sends a line of text (a command or an answer) and returns what the bot replied. */
  send(text: string): Promise<OutboundMessage[]> {
    const parsed = parseCommand(text);
    return this.#deliver(
      parsed && parsed !== "other-bot" ? { type: "command", ...parsed } : { type: "text", text },
    );
  }

  /** Sends files as photos (or documents), as an album when there are several. */
  sendFiles(
    files: { bytes: Uint8Array; fileName: string; kind?: InboundFile["kind"] }[],
    caption = "",
  ): Promise<OutboundMessage[]> {
    return this.#deliver({
      type: "media",
      caption,
      files: files.map((f) => ({
        kind: f.kind ?? "photo",
        fileName: f.fileName,
        base64: Buffer.from(f.bytes).toString("base64"),
      })),
    });
  }

  sendFilePaths(paths: string[], caption = "", kind: InboundFile["kind"] = "photo") {
    return this.sendFiles(
      paths.map((p) => ({ bytes: readFileSync(p), fileName: basename(p), kind })),
      caption,
    );
  }

  /** Sends the same update again, as a platform redelivering it would (answers nothing). */
  async resend(update: ConsoleUpdate): Promise<OutboundMessage[]> {
    await this.inbound.receiveAndWait(this.source, update);
    return this.source.take(update.chatId);
  }

  async #deliver(payload: ConsoleUpdate["payload"]): Promise<OutboundMessage[]> {
    const { name, group } = this.speaker;
    const update: ConsoleUpdate = {
      updateId: `${this.#session}-${++this.#sequence}`,
      chatId: group ? `group:${group}` : name,
      kind: group ? "GROUP" : "PRIVATE",
      user: name,
      receivedAt: this.clock.now().toISOString(),
      payload,
    };
    this.lastUpdate = update;
    await this.inbound.receiveAndWait(this.source, update);
    return this.source.take(update.chatId);
  }
}

/** How the terminal shows a reply; kept photos are named, documents saved to a folder and named. */
export function renderReply(message: OutboundMessage, outDir: string): string {
  const parts = (message.album ?? []).map((p) => `[ảnh/photo: ${p.storageKey}]`);
  parts.push(message.text);
  if (message.photo) parts.push(`[ảnh/photo: ${message.photo.fileName}]`);
  if (message.photoKey) parts.push(`[ảnh/photo: ${message.photoKey}]`);
  for (const doc of message.documents ?? []) {
    mkdirSync(outDir, { recursive: true });
    const path = join(outDir, doc.fileName);
    copyFileSync(doc.path, path);
    parts.push(`[tệp/file: ${resolve(path)}]`);
  }
  return parts.join("\n");
}
