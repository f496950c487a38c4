import type { Clock } from "../core/clock.ts";
import { crashPoint } from "../core/crashPoints.ts";
import { PlatformError } from "../core/errors.ts";
import type { ChatRef } from "../core/inbound.ts";
import type { OutboundMessage } from "../core/outbound.ts";
import type { InboundSource, UpdateRef } from "../core/port.ts";
import type { Language } from "../core/roles.ts";
import type { Db } from "../db/client.ts";
import type { Pacing } from "../delivery/pacing.ts";
import type { Logger } from "../logger.ts";
import type { BotMetrics } from "../observability/metrics.ts";
import { encodeReplies, type StoredPart } from "./replyCodec.ts";

export interface ReplyDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics?: BotMetrics;
  /** The limiters every send to a chat shares: replies keep the platform's pace too. */
  pacing?: Pacing;
  languageOf(ref: UpdateRef): Promise<Language>;
  text(language: Language, key: string, options?: Record<string, unknown>): string;
  /** Tries of one part before it is given up. */
  maxAttempts: number;
  /** The back-off before the next try, after `attempts` failed ones. */
  delay(attempts: number): number;
  /** Marks answered updates done (the pipeline writes them in batches). */
  finish(ids: number[]): Promise<void>;
  /** An update ended otherwise (its reply incomplete, kept for the operator). */
  ended(ids: number[]): void;
  /** Aborts when the pipeline stops: a reply waiting for its slot leaves the rest for later. */
  stopping(): AbortSignal;
}

/** What the replies need of a stored update. */
export interface ReplyRow {
  id: number;
  platform: string;
  updateKey: string;
  /** Failed tries of the part it stands at. */
  attempts: number;
  /** Parts tried so far (sent, or given up). */
  repliesSent: number;
}

/**
 * The replies to a handled update, delivered part by part within the platform's
 * limits; a part that arrived is never sent again, and one that fails is retried
 * alone (CONTRIBUTING, "Replies keep the platform's pace").
 */
export class Replies {
  constructor(private readonly deps: ReplyDeps) {}

  /**
   * Sends a reply part by part from the first not yet tried (replyParts.ts), each
   * within the platform's limits and marked sent once it arrived, so that a retry or
   * a restart sends only what is missing. A passing failure (429, 5xx, network)
   * retries that part alone, after what the platform asked or the back-off; a reply
   * not stored yet is stored first, so the work behind it (an export) is not done
   * again. A part that fails for good is skipped; at the end the person is told what
   * did not arrive and how to get it, and the update is kept as given up for the
   * operator (admin inbox list, /healthz, /metrics).
   */
  async answer(
    source: InboundSource,
    row: ReplyRow,
    chat: ChatRef,
    ref: UpdateRef | null,
    parts: StoredPart[],
    stored: boolean,
  ): Promise<void> {
    const log = { platform: row.platform, updateKey: row.updateKey };
    const counted = (outcome: "sent" | "retry" | "missed") =>
      this.deps.metrics?.replyParts.inc({ platform: row.platform, outcome });
    // Several parts: stored before the first is sent, so that a crash between two
    // sends sends only the rest (a handling that wrote stored them in its transaction).
    if (!stored && parts.length > 1) {
      if (!(await this.#saveReply(row.id, parts, 0, { attempts: 0 }, true))) return;
      stored = true;
    }
    let attempts = row.attempts;
    for (let i = row.repliesSent; ; i++) {
      if (i === parts.length) {
        // Told once what did not arrive: the message is the reply's last part.
        const notice = parts.some((p) => p.notice) ? null : await this.#notice(ref, parts);
        if (!notice) break;
        parts.push({ message: notice, notice: true });
      }
      const part = parts[i] as StoredPart;
      const outcome = await this.send(source, chat, part.message);
      // Stopped while waiting for the slot: the rest after the next start.
      if (outcome === "stopped") return;
      if (outcome === "sent") {
        counted("sent");
        attempts = 0;
        const last = i === parts.length - 1 && !parts.some((p) => p.missed !== undefined);
        // The last part needs no mark of its own: the "done" mark follows.
        if (stored && !last) {
          await this.deps.db.$executeRaw`
            UPDATE "InboundUpdate" SET "repliesSent" = ${i + 1}, "attempts" = 0
            WHERE "id" = ${row.id}`;
          crashPoint("inbound:between-parts");
        }
        continue;
      }
      const error = outcome.error;
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      if (error instanceof PlatformError && error.kind === "blocked") {
        // Nothing more reaches this chat, a notice neither.
        this.deps.logger.info({ ...log, reason }, "reply dropped: the chat blocked the bot");
        await this.deps.finish([row.id]);
        return;
      }
      const passing =
        error instanceof PlatformError &&
        (error.kind === "transient" || error.kind === "rate_limited");
      if (passing && attempts + 1 < this.deps.maxAttempts) {
        counted("retry");
        // The platform said how long to wait: exactly that; otherwise the back-off.
        const wait =
          error.kind === "rate_limited" ? (error.retryAfterMs ?? 1000) : this.deps.delay(attempts);
        const nextAttemptAt = new Date(this.deps.clock.now().getTime() + wait);
        const saved = await this.#saveReply(
          row.id,
          parts,
          i,
          { attempts: attempts + 1, lastError: reason, nextAttemptAt },
          !stored,
        );
        if (saved) this.deps.logger.warn({ ...log, part: i + 1, reason }, "reply will be retried");
        return;
      }
      counted("missed");
      part.missed = reason;
      attempts = 0;
      this.deps.logger.warn({ ...log, part: i + 1, reason }, "a part of a reply was given up");
      // Kept with the reply, so that a restart neither tries it again nor forgets it.
      if (stored) await this.#saveReply(row.id, parts, i + 1, { attempts: 0 });
    }
    const missed = parts.filter((p) => p.missed !== undefined);
    if (missed.length === 0) {
      await this.deps.finish([row.id]);
      return;
    }
    const reply = parts.filter((p) => !p.notice);
    const lost = reply.filter((p) => p.missed !== undefined);
    const reason = `reply incomplete: ${lost.length} of ${reply.length} parts did not arrive (${missed[0]?.missed})`;
    await this.#saveReply(row.id, parts, parts.length, {
      status: "FAILED",
      lastError: reason.slice(0, 500),
      processedAt: this.deps.clock.now(),
    });
    this.deps.logger.error({ ...log, reason }, "reply incomplete: kept for the operator");
    this.deps.ended([row.id]);
  }

  /**
   * Sends one message to a chat within the platform's limits; answers "stopped" when
   * a stop came while it waited for its slot (nothing was sent).
   */
  async send(
    source: InboundSource,
    chat: ChatRef,
    message: OutboundMessage,
  ): Promise<"sent" | "stopped" | { error: unknown }> {
    const pacing = this.deps.pacing;
    const target = {
      platformChatId: chat.platformChatId,
      kind: chat.kind === "GROUP" ? ("GROUP" as const) : ("PRIVATE" as const),
    };
    // A press's answer is shown to whoever pressed, not posted: it takes no slot.
    if (pacing && message.toast === undefined) {
      const slot = await pacing.acquire(
        source.platform,
        source.limits,
        target,
        this.deps.stopping(),
      );
      if (!slot) return "stopped";
    }
    try {
      await source.reply(chat, message);
      return "sent";
    } catch (error) {
      pacing?.failed(source.platform, source.limits, target, error);
      return { error };
    }
  }

  /** Stores a reply's parts and where its sending stands (from PENDING only when `fromPending`). */
  async #saveReply(
    id: number,
    parts: StoredPart[],
    sent: number,
    fields: {
      attempts?: number;
      lastError?: string;
      nextAttemptAt?: Date;
      status?: "FAILED";
      processedAt?: Date;
    },
    fromPending = false,
  ): Promise<boolean> {
    const { count } = await this.deps.db.inboundUpdate.updateMany({
      where: { id, ...(fromPending ? { status: "PENDING" } : {}) },
      data: { status: "HANDLED", replies: encodeReplies(parts), repliesSent: sent, ...fields },
    });
    return count === 1;
  }

  /**
   * What did not arrive and how to get it, in the person's language: each document
   * with its download link (the links always arrive, even when a document cannot),
   * and a word to send the message again for anything else.
   */
  async #notice(ref: UpdateRef | null, parts: StoredPart[]): Promise<OutboundMessage | null> {
    const missed = parts.filter((p) => p.missed !== undefined && !p.notice);
    if (missed.length === 0) return null;
    const language = ref ? await this.deps.languageOf(ref).catch(() => "vi" as const) : "vi";
    const t = (key: string, options?: Record<string, unknown>) =>
      this.deps.text(language, `errors:${key}`, options);
    const files = missed.flatMap((p) => p.message.documents ?? []);
    const messages = missed.filter((p) => !p.message.documents?.length).length;
    const lines = [t("reply_incomplete")];
    for (const file of files) {
      lines.push(
        file.url
          ? t("reply_missing_file_link", { file: file.fileName, url: file.url })
          : t("reply_missing_file", { file: file.fileName }),
      );
    }
    if (messages > 0) lines.push(t("reply_missing_messages", { count: messages }));
    if (messages > 0 || files.some((f) => !f.url)) lines.push(t("reply_send_again"));
    return { text: lines.join("\n") };
  }
}
