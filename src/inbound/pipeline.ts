import type { Capabilities } from "../core/capabilities.ts";
import type { Clock } from "../core/clock.ts";
import type { InboundEvent, InboundFile } from "../core/inbound.ts";
import type { OutboundMessage } from "../core/outbound.ts";
import {
  type InboundSource,
  PermanentInboundError,
  type ReceiveResult,
  type UpdateRef,
} from "../core/port.ts";
import type { Language } from "../core/roles.ts";
import { sleepUnless } from "../core/sleep.ts";
import { type Db, Prisma, sqlFragment } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { UnitOfWork } from "../db/unitOfWork.ts";
import type { Pacing } from "../delivery/pacing.ts";
import type { Logger } from "../logger.ts";
import type { BotMetrics } from "../observability/metrics.ts";
import { type Burst, Bursts } from "./bursts.ts";
import { crashPoint } from "./crashPoints.ts";
import { isOutage } from "./outage.ts";
import { Replies } from "./replies.ts";
import { decodeReplies, encodeReplies, type StoredPart } from "./replyCodec.ts";
import { replyParts } from "./replyParts.ts";
import { secretPayload } from "./secretPayload.ts";

export interface PipelineOptions {
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
  /** Chats handled at once. */
  concurrency: number;
  /** Files larger than this are not fetched (the evidence check refuses them by size). */
  maxDownloadBytes: number;
}

export interface PipelineDeps {
  db: Db;
  unitOfWork: UnitOfWork;
  /** The router: an event in, the replies out; throws only for unexpected failures. */
  handle(event: InboundEvent, capabilities: Capabilities): Promise<OutboundMessage[]>;
  /** The language to tell someone that their message was lost, in their words. */
  languageOf(ref: UpdateRef): Promise<Language>;
  text(language: Language, key: string, options?: Record<string, unknown>): string;
  clock: Clock;
  /** The limiters every send to a chat shares: replies keep the platform's pace too. */
  pacing?: Pacing;
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
  logger: Logger;
  options: PipelineOptions;
  /**
   * Several instances: a chat's updates are handled by the one instance holding the
   * chat, whichever instance stored them (src/instances/chatLeases.ts).
   */
  metrics?: BotMetrics;
  chatLeases?: {
    hold(chats: string[]): Promise<Set<string>>;
    release(chats: string[]): Promise<void>;
  };
}

interface Row {
  id: number;
  platform: string;
  updateKey: string;
  /** Stored with the update, so grouping by chat needs no parsing. */
  chatKey: string;
  payload: string;
  status: string;
  attempts: number;
  replies: string | null;
  repliesSent: number;
  receivedAt: Date;
}

/** A row as plain SQL answers it: integers may come as bigints. */
type StoredRow = Omit<Row, "id" | "attempts" | "repliesSent" | "receivedAt"> & {
  id: number | bigint;
  attempts: number | bigint;
  repliesSent: number | bigint;
};

const ROW_COLUMNS = sqlFragment`"id", "platform", "updateKey", "chatKey", "payload", "status",
  "attempts", "replies", "repliesSent"`;

const rowOf = (row: StoredRow, receivedAt: Date): Row => ({
  ...row,
  receivedAt,
  id: Number(row.id),
  attempts: Number(row.attempts),
  repliesSent: Number(row.repliesSent),
});

/** Answered updates whose "done" mark is written together. */
interface DoneBatch {
  ids: number[];
  written: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/** One update of a group of photos waiting for the rest. */
interface Part {
  source: InboundSource;
  row: Row;
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

/** Rows read from the database per scan, and the queue depth that defers the next scan. */
const SCAN_PAGE = 200;

/** The chat a stored update belongs to, across platforms (an update without one is its own). */
const chatOf = (row: Row) => `${row.platform}:${row.chatKey || row.updateKey}`;

const isPermanent = (error: unknown) =>
  error instanceof PermanentInboundError ||
  (error instanceof DownloadFailed && error.original instanceof PermanentInboundError);

/**
 * The one inbound pipeline, for every platform (DESIGN.md, "Shape"): a raw update is
 * stored before the platform is acknowledged; it is then translated, handled in one
 * transaction together with its "handled" mark and its replies, and answered from
 * what was stored. A crash anywhere means the update is handled again, and the
 * transaction means that handling twice never commits twice. Failures retry with
 * back-off over minutes; the last one tells the user to send the message again.
 */
export class InboundPipeline {
  readonly #sources = new Map<string, InboundSource>();
  readonly #inFlight = new Set<number>();
  readonly #bursts: Bursts<Part>;
  /** Groups being handled, by sender: the sender's next message waits for them. */
  readonly #burstRuns = new Map<string, Promise<void>>();
  #running = false;
  #loop: Promise<void> | null = null;
  #wake = new AbortController();
  /** Updates this process stored since the loop last looked. */
  readonly #fresh = new Map<number, Row>();
  #lastScan = 0;
  /** Chats being handled here, each with its rows not yet started, in order. */
  readonly #chats = new Map<string, Row[]>();
  /** Chats with rows and no worker yet, in arrival order. */
  readonly #waitingChats: string[] = [];
  /** Rows taken and not yet started. */
  #queuedRows = 0;
  readonly #workers = new Set<Promise<void>>();
  /** A scan was left out because a page of rows was queued; the workers wake the loop. */
  #scanDeferred = false;
  #nextDone: DoneBatch | null = null;
  #writingDone = false;
  /** Aborted by stop(): a reply waiting for its slot leaves the rest for the next start. */
  #stopping = new AbortController();
  /** Sends what the handling decided, part by part (replies.ts). */
  readonly #replies: Replies;

  constructor(private readonly deps: PipelineDeps) {
    this.#bursts = new Bursts(deps.clock, (burst) => this.#runBurst(burst));
    this.#replies = new Replies({
      ...deps,
      maxAttempts: deps.options.maxAttempts,
      delay: (attempts) => this.#delay(attempts),
      finish: (ids) => this.#finish(ids),
      stopping: () => this.#stopping.signal,
    });
  }

  register(source: InboundSource): void {
    this.#sources.set(source.platform, source);
  }

  /** Stores a raw update; resolves once it is durable. A redelivery is recognised and dropped. */
  async receive(source: InboundSource, raw: unknown): Promise<ReceiveResult> {
    const result = await this.#store(source, raw);
    this.deps.metrics?.updatesReceived.inc({ platform: source.platform, result });
    return result;
  }

  async #store(source: InboundSource, raw: unknown): Promise<ReceiveResult> {
    const ref = source.describe(raw);
    if (!ref) return "ignored";
    // A redelivery meets the unique key and inserts nothing (no error to catch).
    const receivedAt = this.deps.clock.now();
    const [stored] = await this.deps.db.$queryRaw<StoredRow[]>`
      INSERT INTO "InboundUpdate" ("platform", "updateKey", "chatKey", "payload", "receivedAt")
      VALUES (${source.platform}, ${ref.updateKey}, ${ref.chatKey}, ${JSON.stringify(raw)},
              ${receivedAt})
      ON CONFLICT ("platform", "updateKey") DO NOTHING
      RETURNING ${ROW_COLUMNS}`;
    if (!stored) return "duplicate";
    const row = rowOf(stored, receivedAt);
    // Handed to the loop as it is, so it needs no query to find it (a row the loop's
    // own query also returned is recognised by its id).
    this.#fresh.set(row.id, row);
    this.#wake.abort();
    return "stored";
  }

  /**
   * An event that never left this process (the console chat): handled in the same
   * transaction as its claim, so a repeat is recognised, and answered directly.
   */
  async handleDirect(event: InboundEvent, capabilities: Capabilities): Promise<OutboundMessage[]> {
    return this.deps.unitOfWork.run(async () => {
      try {
        await this.deps.db.processedUpdate.create({
          data: { platform: event.chat.platform, updateKey: event.updateId },
        });
      } catch (error) {
        if (isUniqueViolation(error)) return [];
        throw error;
      }
      return this.deps.handle(event, capabilities);
    });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    if (this.#stopping.signal.aborted) this.#stopping = new AbortController();
    this.#loop = this.#run();
  }

  /**
   * Stops taking work; the update each worker is on finishes, and what was queued
   * behind it is handled again after the next start.
   */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake.abort();
    this.#stopping.abort();
    this.#bursts.clear();
    this.#fresh.clear();
    await this.#loop;
    while (this.#workers.size > 0) await Promise.all(this.#workers);
  }

  /** Takes the due rows that are not in flight. */
  async #scan(): Promise<number> {
    this.#lastScan = Date.now();
    this.#scanDeferred = false;
    // What was handed over so far is committed, so the query finds it (or it is in flight).
    this.#fresh.clear();
    const rows = await this.#due();
    for (const row of rows) this.#fresh.delete(row.id);
    return this.#take(rows);
  }

  /** Takes what this process stored since the last pass, without a query. */
  async #takeFresh(): Promise<number> {
    // The webhook's answer to the platform is written first, then the work starts.
    await new Promise((resolve) => setImmediate(resolve));
    const rows = [...this.#fresh.values()].filter((row) => !this.#inFlight.has(row.id));
    this.#fresh.clear();
    return this.#take(rows);
  }

  async #take(rows: Row[]): Promise<number> {
    const leases = this.deps.chatLeases;
    let mine = rows;
    if (leases && rows.length > 0) {
      const held = await leases.hold([...new Set(rows.map(chatOf))]);
      mine = rows.filter((row) => held.has(chatOf(row)));
    }
    this.#enqueue(mine);
    return mine.length;
  }

  /** The chat is done here for now: another instance may take its next update. */
  #releaseChat(chat: string): void {
    this.deps.chatLeases
      ?.release([chat])
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error }, "chat lease release failed"),
      );
  }

  /** Updates waiting or given up, per platform, for /healthz and the operator. */
  async backlog(): Promise<Record<string, { waiting: number; failed: number }>> {
    const groups = await this.deps.db.inboundUpdate.groupBy({
      by: ["platform", "status"],
      where: { status: { in: ["PENDING", "HANDLED", "FAILED"] } },
      _count: { _all: true },
    });
    const out: Record<string, { waiting: number; failed: number }> = {};
    for (const g of groups) {
      const entry = out[g.platform] ?? { waiting: 0, failed: 0 };
      out[g.platform] = entry;
      if (g.status === "FAILED") entry.failed += g._count._all;
      else entry.waiting += g._count._all;
    }
    return out;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      // Retries come due by time, and another process (the admin CLI, another
      // instance) may store work: the database is looked at each second, or sooner
      // while an album waits here, since its next photo may land on another instance.
      const interval = this.#bursts.size > 0 ? 100 : 1000;
      let scan = this.#fresh.size === 0 || Date.now() - this.#lastScan >= interval;
      // A backlog (after a restart, an outage) is read a page at a time, not all at once.
      if (scan && this.#queuedRows >= SCAN_PAGE) {
        scan = false;
        this.#scanDeferred = true;
      }
      let handled = 0;
      try {
        handled = scan ? await this.#scan() : await this.#takeFresh();
      } catch (error) {
        this.deps.logger.error({ err: error }, "inbound pass failed");
      }
      if (!this.#running) break;
      if (this.#fresh.size > 0 || (scan && handled > 0)) continue;
      if (this.#wake.signal.aborted) {
        // Woken while the pass ran: an update stored after its query waits for no one.
        this.#wake = new AbortController();
        continue;
      }
      // A deferred scan waits for the workers' wake (or the interval), whenever the last was.
      const wait = this.#scanDeferred
        ? interval
        : Math.max(0, interval - (Date.now() - this.#lastScan));
      await sleepUnless(wait, this.#wake.signal);
      if (this.#wake.signal.aborted) this.#wake = new AbortController();
    }
  }

  async #due(): Promise<Row[]> {
    if (this.#sources.size === 0) return [];
    const now = this.deps.clock.now();
    const rows = await this.deps.db.inboundUpdate.findMany({
      where: {
        platform: { in: [...this.#sources.keys()] },
        status: { in: ["PENDING", "HANDLED"] },
        OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }],
        ...(this.#inFlight.size > 0 ? { id: { notIn: [...this.#inFlight] } } : {}),
      },
      orderBy: { id: "asc" },
      take: SCAN_PAGE,
    });
    return rows;
  }

  /**
   * Queues rows for the workers: each chat's rows in order, by one worker at a time,
   * up to `concurrency` chats at once. A worker takes the next waiting chat as soon as
   * it is free, so an update never waits for others it does not follow (there is no
   * batch to finish first).
   */
  #enqueue(rows: Row[]): void {
    for (const row of rows) {
      if (this.#inFlight.has(row.id)) continue;
      this.#inFlight.add(row.id);
      this.#queuedRows++;
      const key = chatOf(row);
      const queue = this.#chats.get(key);
      if (queue) queue.push(row);
      else {
        this.#chats.set(key, [row]);
        this.#waitingChats.push(key);
      }
    }
    this.#startWorkers();
  }

  #startWorkers(): void {
    while (this.#workers.size < this.deps.options.concurrency && this.#waitingChats.length > 0) {
      const chat = this.#waitingChats.shift() as string;
      const worker: Promise<void> = this.#work(chat).finally(() => {
        this.#workers.delete(worker);
        this.#startWorkers();
      });
      this.#workers.add(worker);
    }
  }

  /** Handles one chat's rows, including those queued for it meanwhile. */
  async #work(chat: string): Promise<void> {
    const rows = this.#chats.get(chat) ?? [];
    let waiting = false;
    for (let row = rows.shift(); row; row = rows.shift()) {
      this.#queuedRows--;
      // Half the page left: the next page is read while the workers still have work.
      if (this.#scanDeferred && this.#queuedRows < SCAN_PAGE / 2) {
        this.#scanDeferred = false;
        this.#wake.abort();
      }
      // Stopped: what is queued stays in the database, handled after the next start.
      if (!this.#running) {
        this.#inFlight.delete(row.id);
        continue;
      }
      let keep = false;
      try {
        keep = await this.#handleRow(row);
      } catch (error) {
        this.deps.logger.error({ err: error, updateKey: row.updateKey }, "inbound row failed");
      } finally {
        if (!keep) this.#inFlight.delete(row.id);
      }
      waiting ||= keep;
    }
    // Checked and removed with no wait in between: a row queued for this chat after
    // this point starts a new worker.
    this.#chats.delete(chat);
    // A chat whose album still waits stays ours until the album is handled.
    if (!waiting && !this.#bursts.waitsIn(chat)) this.#releaseChat(chat);
  }

  /** Answers true when the row waits in an album (still in flight after this returns). */
  async #handleRow(row: Row): Promise<boolean> {
    const source = this.#sources.get(row.platform);
    if (!source) return false;
    const raw: unknown = JSON.parse(row.payload);
    const ref = source.describe(raw);
    if (row.status === "HANDLED") {
      if (ref) {
        await this.#replies.answer(source, row, ref.chat, ref, decodeReplies(row.replies), true);
      } else await this.#markDone([row.id]);
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
      await this.#markDone([row.id]);
      return false;
    }
    if (translated.groupKey) {
      const { options } = this.deps;
      this.#bursts.add(
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
    for (const burst of this.#bursts.takeSender(sender)) this.#runBurst(burst);
    await this.#burstRuns.get(sender);
  }

  /** A group is complete: handled as one event, answered once, after the sender's earlier ones. */
  #runBurst(burst: Burst<Part>): void {
    const [first] = burst.parts;
    if (!first) return;
    const rows = burst.parts.map((p) => p.row);
    const event = mergedEvent(burst.parts.map((p) => p.event));
    const ref = first.source.describe(JSON.parse(first.row.payload));
    const before = this.#burstRuns.get(burst.sender);
    const run: Promise<void> = (async () => {
      await before;
      await this.#dispatch(first.source, rows, event, ref);
    })()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, "album failed"))
      .finally(() => {
        for (const r of rows) this.#inFlight.delete(r.id);
        if (this.#burstRuns.get(burst.sender) === run) this.#burstRuns.delete(burst.sender);
        if (!this.#chats.has(burst.chat) && !this.#bursts.waitsIn(burst.chat)) {
          this.#releaseChat(burst.chat);
        }
      });
    this.#burstRuns.set(burst.sender, run);
  }

  /** Handles one event (one update, or an album of several) and answers it. */
  async #dispatch(
    source: InboundSource,
    rows: Row[],
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
    let replies: StoredPart[];
    let wrote = false;
    try {
      replies = await this.deps.unitOfWork.run(async () => {
        const decided = await this.deps.handle(event, source.capabilities);
        const parts = replyParts(decided, source.capabilities).map((message) => ({ message }));
        // A vote: the stored update forgets what was said, in the handling's own transaction.
        if (event.secret) {
          for (const row of rows) {
            await this.deps.db.$executeRaw`
              UPDATE "InboundUpdate" SET "payload" = ${secretPayload(row.payload)}
              WHERE "id" = ${row.id}`;
          }
        }
        crashPoint("inbound:before-commit");
        // Nothing was written, so there is nothing to commit and no transaction is
        // open: handled again after a crash, it answers the same.
        wrote = this.deps.unitOfWork.wrote;
        if (!wrote) return parts;
        // The mark is conditional: if another pass (or instance) handled it, roll back.
        const marked = await this.deps.db.$executeRaw`
          UPDATE "InboundUpdate"
          SET "status" = 'HANDLED', "replies" = ${encodeReplies(parts)}, "repliesSent" = 0,
              "attempts" = 0
          WHERE "id" = ${lead.id} AND "status" = 'PENDING'`;
        if (marked !== 1) throw new AlreadyHandled();
        if (rest.length > 0) await this.#markDone(rest.map((r) => r.id));
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
    await this.#replies.answer(
      source,
      { ...lead, repliesSent: 0, attempts: 0 },
      event.chat,
      ref,
      replies,
      wrote,
    );
    // An album that wrote nothing (every photo refused): its other updates end here.
    if (!wrote && rest.length > 0) await this.#finish(rest.map((r) => r.id));
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
   * Marks answered updates done. Under load many rows finish while one mark is being
   * written: they wait and go in the next statement together (one per batch, not per
   * update). Resolves once the rows' mark is written, so their chat is given back after.
   */
  #finish(ids: number[]): Promise<void> {
    if (!this.#nextDone) {
      let settle: { resolve(): void; reject(error: unknown): void } = {
        resolve: () => {},
        reject: () => {},
      };
      const written = new Promise<void>((resolve, reject) => {
        settle = { resolve, reject };
      });
      this.#nextDone = { ids: [], written, ...settle };
    }
    const batch = this.#nextDone;
    batch.ids.push(...ids);
    this.#writeDone();
    return batch.written;
  }

  #writeDone(): void {
    const batch = this.#nextDone;
    if (this.#writingDone || !batch) return;
    this.#nextDone = null;
    this.#writingDone = true;
    this.#markDone(batch.ids)
      .then(batch.resolve, batch.reject)
      .finally(() => {
        this.#writingDone = false;
        this.#writeDone();
      });
  }

  async #markDone(ids: number[]): Promise<void> {
    await this.deps.db.$executeRaw`
      UPDATE "InboundUpdate"
      SET "status" = 'DONE', "processedAt" = ${this.deps.clock.now()}, "replies" = NULL
      WHERE "id" IN (${Prisma.join(ids)})`;
  }

  #delay(attempts: number): number {
    const { retryBaseMs, retryMaxMs } = this.deps.options;
    return Math.min(retryMaxMs, retryBaseMs * 2 ** attempts);
  }

  /**
   * A photo that cannot be fetched is not waited on for minutes: the sender is still
   * there, and asked to send it again before they move on (the next try would come
   * later than `downloadGiveUpMs` after the photo arrived).
   */
  #downloadTooLate(rows: Row[], error: unknown, attempts: number): boolean {
    if (!(error instanceof DownloadFailed)) return false;
    const arrived = Math.min(...rows.map((r) => r.receivedAt.getTime()));
    const nextTry = this.deps.clock.now().getTime() + this.#delay(attempts - 1);
    return nextTry - arrived > this.deps.options.downloadGiveUpMs;
  }

  /** A try failed: again later, or, after the last one, tell the user and keep the row. */
  async #failed(
    source: InboundSource,
    rows: Row[],
    ref: UpdateRef | null,
    error: unknown,
    secret = false,
  ) {
    const attempts = Math.max(...rows.map((r) => r.attempts)) + 1;
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    const ids = rows.map((r) => r.id);
    const log = { platform: source.platform, updates: rows.map((r) => r.updateKey), attempts };
    const metrics = this.deps.metrics;
    metrics?.handlerErrors.inc({ platform: source.platform });
    // The platform or the network did not answer: wait it out (as long as deliveries
    // do); the update's own failures give up after their tries.
    const outage = isOutage(error);
    const arrived = Math.min(...rows.map((r) => r.receivedAt.getTime()));
    const retry = outage
      ? this.deps.clock.now().getTime() - arrived < this.deps.options.outageWaitMs
      : attempts < this.deps.options.maxAttempts &&
        !isPermanent(error) &&
        !this.#downloadTooLate(rows, error, attempts);
    metrics?.updatesHandled.inc(
      { platform: source.platform, outcome: retry ? "retry" : "failed" },
      rows.length,
    );
    if (retry) {
      const at = new Date(this.deps.clock.now().getTime() + this.#delay(attempts - 1));
      await this.deps.db.inboundUpdate.updateMany({
        where: { id: { in: ids } },
        data: { status: "PENDING", attempts, lastError: reason, nextAttemptAt: at },
      });
      this.deps.logger.warn(
        { ...log, reason, retryAt: at, outage },
        outage ? "platform or network unreachable, will retry" : "update failed, will retry",
      );
      return;
    }
    await this.deps.db.inboundUpdate.updateMany({
      where: { id: { in: ids } },
      data: { status: "FAILED", attempts, lastError: reason },
    });
    // A vote given up on is kept for the operator without what it said.
    for (const row of secret ? rows : []) {
      await this.deps.db.inboundUpdate.update({
        where: { id: row.id },
        data: { payload: secretPayload(row.payload) },
      });
    }
    this.deps.logger.error({ ...log, reason }, "update given up: the user is asked to resend");
    if (!ref) return;
    const language = await this.deps.languageOf(ref).catch(() => "vi" as const);
    const key = error instanceof DownloadFailed ? "errors:photo_not_received" : "errors:resend";
    const text = this.deps.text(language, key);
    const sent = await this.#replies.send(source, ref.chat, { text });
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

class AlreadyHandled extends Error {}

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
