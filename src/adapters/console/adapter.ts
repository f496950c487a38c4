import { randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { type Capabilities, CONSOLE_CAPABILITIES } from "../../core/capabilities.ts";
import type { Clock } from "../../core/clock.ts";
import { parseCommand } from "../../core/commandText.ts";
import type { InboundEvent, InboundFile, InboundPayload } from "../../core/inbound.ts";
import type { OutboundMessage } from "../../core/outbound.ts";

export const CONSOLE_PLATFORM = "console";

/** The inbound pipeline, as the console reaches it: events never leave the process. */
export interface DirectInbound {
  handleDirect(event: InboundEvent, capabilities: Capabilities): Promise<OutboundMessage[]>;
}

/** Who is typing and where: a person's private chat, or a named group. */
export interface ConsoleSpeaker {
  name: string;
  group: string | null;
}

/**
 * A chat in the terminal (and the way tests drive the bot): each speaker is a
 * console user with their own private chat, so one person can try every role.
 */
export class ConsoleChat {
  readonly capabilities = CONSOLE_CAPABILITIES;
  speaker: ConsoleSpeaker;
  #sequence = 0;
  // Update ids must not repeat across restarts, or dedupe would drop new lines.
  readonly #session = randomUUID().slice(0, 8);

  constructor(
    private readonly inbound: DirectInbound,
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
    const payload: InboundPayload =
      parsed && parsed !== "other-bot" ? { type: "command", ...parsed } : { type: "text", text };
    return this.#deliver(payload);
  }

  /** Sends files as photos (or documents), as an album when there are several. */
  sendFiles(
    files: { bytes: Uint8Array; fileName: string; kind?: InboundFile["kind"] }[],
    caption = "",
  ): Promise<OutboundMessage[]> {
    const inbound: InboundFile[] = files.map((f) => ({
      kind: f.kind ?? "photo",
      platformFileId: `${f.fileName}:${f.bytes.length}`,
      declaredSize: f.bytes.length,
      fileName: f.fileName,
      download: async () => f.bytes,
    }));
    return this.#deliver({ type: "media", files: inbound, caption });
  }

  sendFilePaths(paths: string[], caption = "", kind: InboundFile["kind"] = "photo") {
    return this.sendFiles(
      paths.map((p) => ({ bytes: readFileSync(p), fileName: basename(p), kind })),
      caption,
    );
  }

  #deliver(payload: InboundPayload): Promise<OutboundMessage[]> {
    const { name, group } = this.speaker;
    const event: InboundEvent = {
      updateId: `${this.#session}-${++this.#sequence}`,
      chat: {
        platform: CONSOLE_PLATFORM,
        platformChatId: group ? `group:${group}` : name,
        kind: group ? "GROUP" : "PRIVATE",
      },
      from: { platformUserId: name, displayName: name },
      receivedAt: this.clock.now(),
      payload,
    };
    return this.inbound.handleDirect(event, this.capabilities);
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
