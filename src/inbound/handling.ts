import type { Capabilities } from "../core/capabilities.ts";
import { crashPoint } from "../core/crashPoints.ts";
import type { InboundEvent, InboundFile } from "../core/inbound.ts";
import type { OutboundMessage } from "../core/outbound.ts";
import { type InboundSource, PermanentInboundError, type UpdateRef } from "../core/port.ts";
import type { Language } from "../core/roles.ts";
import type { UnitOfWork } from "../db/unitOfWork.ts";
import { type Burst, Bursts } from "./bursts.ts";
import { isOutage } from "./outage.ts";
import { Replies, type ReplyDeps } from "./replies.ts";
import { decodeReplies, encodeReplies, type StoredPart } from "./replyCodec.ts";
import { replyParts } from "./replyParts.ts";
import { chatOf, rawOf, type StoredUpdate, type UpdateStore } from "./updateStore.ts";

export interface HandlingOptions {
  /** Tries before an update is given up and the user asked to send it again. */
  maxAttempts: number;
  /** First retry delay; it doubles with each try, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long the next photo of a group is waited for, until the sender's pace is known. */
  albumQuietMs: number;
  /** The longest wait for the next photo of a group, however slow the sender. */
  burstMaxMs: number;
  /** A photo whose download keeps failing is given up once its next try would come later than this after it arrived. */
  downloadGiveUpMs: number;
  /**
   * How long an update that failed because the platform or the network did not answer
   * is tried again (DELIVERY_RETRY_HOURS: inbound waits out an outage as delivery does).
   */
  outageWaitMs: number;
  /** Files larger than this are not fetched (the evidence check refuses them by size). */
  maxDownloadBytes: number;
}

export interface HandlingDeps
  extends Omit<ReplyDeps, "maxAttempts" | "delay" | "finish" | "ended" | "languageOf" | "text"> {
  store: UpdateStore;
  unitOfWork: UnitOfWork;
  /** The router: an event in, the replies out; throws only for unexpected failures. */
  handle(event: InboundEvent, capabilities: Capabilities): Promise<OutboundMessage[]>;
  /** The language to tell someone that their message was lost, in their words. */
  languageOf(ref: UpdateRef): Promise<Language>;
  text(language: Language, key: string, options?: Record<string, unknown>): string;
  /**
   * Queues the notice that someone's message was lost, when sending it at once failed:
   * a delivery (the outbox) is retried until it arrives.
   */
  tellLost?: (notice: {
    platform: string;
    chat: UpdateRef["chat"];
    text: string;
    key: string;
  }) => Promise<void>;
  options: HandlingOptions;
  /** The sources by platform, as registered with the pipeline. */
  sources: ReadonlyMap<string, InboundSource>;
  /** An album's rows are finished, and its chat may be given back. */
  albumDone(rows: StoredUpdate[], chat: string): void;
}

/** One update of a group of photos waiting for the rest. */
interface Part {
  source: InboundSource;
  row: StoredUpdate;
  event: InboundEvent;
}

/** A photo could not be fetched from the platform: the user is asked to send it again. */
class DownloadFailed extends Error {
  override name = "DownloadFailed";
  constructor(
    message: string,
    readonly original: unknown,
  ) {
    super(message);
  }
}

class AlreadyHandled extends Error {}

const isPermanent = (error: unknown) =>
  error instanceof PermanentInboundError ||
  (error instanceof DownloadFailed && error.original instanceof PermanentInboundError);

/**
 * What happens to one stored update: translated, gathered with the rest of its album,
 * handled in one transaction together with its "handled" mark and its replies, and
 * answered from what was stored. Failures retry with back-off over minutes; the last
 * one tells the user to send the message again.
 */
export class UpdateHandling {
  /** Groups of photos waiting for their last part. */
  readonly bursts: Bursts<Part>;
  /** Groups being handled, by sender: the sender's next message waits for them. */
  readonly #burstRuns = new Map<string, Promise<void>>();
  /** Sends what the handling decided, part by part (replies.ts). */
  readonly #answers: Replies;

  constructor(private readonly deps: HandlingDeps) {
    this.bursts = new Bursts(deps.clock, (burst) => this.#runBurst(burst));
    this.#answers = new Replies({
      ...deps,
      maxAttempts: deps.options.maxAttempts,
      delay: (attempts) => this.delay(attempts),
      finish: (ids) => deps.store.finish(ids),
      ended: (ids) => deps.store.ended(ids),
    });
  }

  /** The back-off before the next try, after `attempts` failed ones. */
  delay(attempts: number): number {
    const { retryBaseMs, retryMaxMs } = this.deps.options;
    return Math.min(retryMaxMs, retryBaseMs * 2 ** attempts);
  }

  /** Answers true when the row waits in an album (still in flight after this returns). */
  async handleRow(row: StoredUpdate): Promise<boolean> {
    const source = this.deps.sources.get(row.platform);
    if (!source) return false;
    const raw = rawOf(row);
    const ref = source.describe(raw);
    if (row.status === "HANDLED") {
      if (ref) {
        await this.#answers.answer(source, row, ref.chat, ref, decodeReplies(row.replies), true);
      } else await this.deps.store.markDone([row.id]);
      return false;
    }
    crashPoint("inbound:before-handle");
    const sender = `${chatOf(row)}|${ref?.userId ?? ""}`;
    let translated: Awaited<ReturnType<InboundSource["translate"]>>;
    try {
      translated = await source.translate(raw);
    } catch (error) {
      await this.#failed(source, [row], ref, new DownloadFailed(String(error), error));
      return false;
    }
    if (translated.type === "none") {
      await this.deps.store.markDone([row.id]);
      return false;
    }
    if (translated.groupKey) {
      const { options } = this.deps;
      this.bursts.add(
        `${row.platform}:${translated.groupKey}`,
        { chat: chatOf(row), sender },
        { source, row, event: translated.event },
        row.receivedAt,
        {
          firstMs: translated.quietMs ?? options.albumQuietMs,
          maxMs: options.burstMaxMs,
          minParts: translated.minParts ?? 1,
        },
      );
      crashPoint("inbound:album-waiting");
      return true;
    }
    // What the sender says after their photos is read after them: the group closes now.
    await this.#flushSender(sender);
    await this.#dispatch(source, [row], translated.event, ref);
    return false;
  }

  /** Handles the sender's waiting groups now, and waits for those already being handled. */
  async #flushSender(sender: string): Promise<void> {
    for (const burst of this.bursts.takeSender(sender)) this.#runBurst(burst);
    await this.#burstRuns.get(sender);
  }

  /** A group is complete: handled as one event, answered once, after the sender's earlier ones. */
  #runBurst(burst: Burst<Part>): void {
    const [first] = burst.parts;
    if (!first) return;
    const rows = burst.parts.map((p) => p.row);
    const event = mergedEvent(burst.parts.map((p) => p.event));
    const ref = first.source.describe(rawOf(first.row));
    const before = this.#burstRuns.get(burst.sender);
    const run: Promise<void> = (async () => {
      await before;
      await this.#dispatch(first.source, rows, event, ref);
    })()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, "album failed"))
      .finally(() => {
        if (this.#burstRuns.get(burst.sender) === run) this.#burstRuns.delete(burst.sender);
        this.deps.albumDone(rows, burst.chat);
      });
    this.#burstRuns.set(burst.sender, run);
  }

  /** Handles one event (one update, or an album of several) and answers it. */
  async #dispatch(
    source: InboundSource,
    rows: StoredUpdate[],
    event: InboundEvent,
    ref: UpdateRef | null,
  ): Promise<void> {
    try {
      await this.#prefetch(event);
    } catch (error) {
      await this.#failed(source, rows, ref, new DownloadFailed(String(error), error));
      return;
    }
    const [lead, ...rest] = rows;
    if (!lead) return;
    const { store, unitOfWork } = this.deps;
    let replies: StoredPart[];
    let wrote = false;
    try {
      replies = await unitOfWork.run(async () => {
        const decided = await this.deps.handle(event, source.capabilities);
        const parts = replyParts(decided, source.capabilities).map((message) => ({ message }));
        // A vote: the stored update forgets what was said, in the handling's own transaction.
        if (event.secret) await store.forgetWhatWasSaid(rows);
        crashPoint("inbound:before-commit");
        // Nothing was written, so there is nothing to commit and no transaction is
        // open: handled again after a crash, it answers the same.
        wrote = unitOfWork.wrote;
        if (!wrote) return parts;
        if (!(await store.markHandled(lead.id, encodeReplies(parts)))) throw new AlreadyHandled();
        if (rest.length > 0) await store.markDone(rest.map((r) => r.id));
        return parts;
      });
    } catch (error) {
      if (error instanceof AlreadyHandled) return;
      await this.#failed(source, rows, ref, error, event.secret);
      return;
    }
    crashPoint("inbound:after-commit");
    this.deps.metrics?.updatesHandled.inc(
      { platform: source.platform, outcome: "handled" },
      rows.length,
    );
    await this.#answers.answer(
      source,
      { ...lead, repliesSent: 0, attempts: 0 },
      event.chat,
      ref,
      replies,
      wrote,
    );
    // An album that wrote nothing (every photo refused): its other updates end here.
    if (!wrote && rest.length > 0) await store.finish(rest.map((r) => r.id));
  }

  /** Fetches the files an event carries now, so no download runs inside a transaction. */
  async #prefetch(event: InboundEvent): Promise<void> {
    if (event.payload.type !== "media") return;
    const max = this.deps.options.maxDownloadBytes;
    event.payload.files = await Promise.all(
      event.payload.files.map(async (file): Promise<InboundFile> => {
        if ((file.declaredSize ?? 0) > max) return file;
        const bytes = await file.download();
        return { ...file, download: async () => bytes };
      }),
    );
  }

  /**
   * A photo that cannot be fetched is not waited on for minutes: the sender is still
   * there, and asked to send it again before they move on (the next try would come
   * later than `downloadGiveUpMs` after the photo arrived).
   */
  #downloadTooLate(rows: StoredUpdate[], error: unknown, attempts: number): boolean {
    if (!(error instanceof DownloadFailed)) return false;
    const arrived = Math.min(...rows.map((r) => r.receivedAt.getTime()));
    const nextTry = this.deps.clock.now().getTime() + this.delay(attempts - 1);
    return nextTry - arrived > this.deps.options.downloadGiveUpMs;
  }

  /** A try failed: again later, or, after the last one, tell the user and keep the row. */
  async #failed(
    source: InboundSource,
    rows: StoredUpdate[],
    ref: UpdateRef | null,
    error: unknown,
    secret = false,
  ) {
    const attempts = Math.max(...rows.map((r) => r.attempts)) + 1;
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    const ids = rows.map((r) => r.id);
    const log = { platform: source.platform, updates: rows.map((r) => r.updateKey), attempts };
    const { metrics, store, clock } = this.deps;
    metrics?.handlerErrors.inc({ platform: source.platform });
    // The platform or the network did not answer: wait it out (as long as deliveries
    // do); the update's own failures give up after their tries.
    const outage = isOutage(error);
    const arrived = Math.min(...rows.map((r) => r.receivedAt.getTime()));
    const retry = outage
      ? clock.now().getTime() - arrived < this.deps.options.outageWaitMs
      : attempts < this.deps.options.maxAttempts &&
        !isPermanent(error) &&
        !this.#downloadTooLate(rows, error, attempts);
    metrics?.updatesHandled.inc(
      { platform: source.platform, outcome: retry ? "retry" : "failed" },
      rows.length,
    );
    if (retry) {
      const at = new Date(clock.now().getTime() + this.delay(attempts - 1));
      await store.retryAt(ids, attempts, reason, at);
      this.deps.logger.warn(
        { ...log, reason, retryAt: at, outage },
        outage ? "platform or network unreachable, will retry" : "update failed, will retry",
      );
      return;
    }
    await store.giveUp(ids, attempts, reason);
    // A vote given up on is kept for the operator without what it said.
    if (secret) await store.forgetWhatWasSaid(rows);
    this.deps.logger.error({ ...log, reason }, "update given up: the user is asked to resend");
    if (!ref) return;
    const language = await this.deps.languageOf(ref).catch(() => "vi" as const);
    const key = error instanceof DownloadFailed ? "errors:photo_not_received" : "errors:resend";
    const text = this.deps.text(language, key);
    const sent = await this.#answers.send(source, ref.chat, { text });
    if (sent === "sent" || sent === "stopped") return;
    this.deps.logger.warn(
      { platform: source.platform, reason: String(sent.error) },
      "could not tell the user now: the notice is queued as a delivery",
    );
    // A delivery like any other from here: retried until it arrives, through an outage.
    await this.deps.tellLost?.({
      platform: source.platform,
      chat: ref.chat,
      text,
      key: `lost:${source.platform}:${rows.map((r) => r.updateKey).join(",")}`.slice(0, 190),
    });
  }
}

/** The parts of a group as one event: every photo, under the first caption any of them carries. */
function mergedEvent(events: InboundEvent[]): InboundEvent {
  const [first, ...rest] = events as [InboundEvent, ...InboundEvent[]];
  if (first.payload.type !== "media") return first;
  const files = [...first.payload.files];
  let caption = first.payload.caption;
  for (const event of rest) {
    if (event.payload.type !== "media") continue;
    files.push(...event.payload.files);
    caption ||= event.payload.caption;
  }
  return { ...first, payload: { ...first.payload, files, caption } };
}
