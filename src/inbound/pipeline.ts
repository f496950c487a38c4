import type { Capabilities } from "../core/capabilities.ts";
import type { Clock } from "../core/clock.ts";
import type { InboundEvent } from "../core/inbound.ts";
import type { OutboundMessage } from "../core/outbound.ts";
import type { InboundSource, ReceiveResult, UpdateRef } from "../core/port.ts";
import type { Language } from "../core/roles.ts";
import { sleepUnless } from "../core/sleep.ts";
import type { Db } from "../db/client.ts";
import type { UnitOfWork } from "../db/unitOfWork.ts";
import type { Pacing } from "../delivery/pacing.ts";
import type { Logger } from "../logger.ts";
import type { BotMetrics } from "../observability/metrics.ts";
import { ChatLanes } from "./chatLanes.ts";
import { type HandlingOptions, UpdateHandling } from "./handling.ts";
import { chatOf, SCAN_PAGE, type StoredUpdate, UpdateStore } from "./updateStore.ts";

export interface PipelineOptions extends HandlingOptions {
  /** Chats handled at once. */
  concurrency: number;
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
  metrics?: BotMetrics;
  /**
   * Several instances: a chat's updates are handled by the one instance holding the
   * chat, whichever instance stored them (src/instances/chatLeases.ts).
   */
  chatLeases?: {
    hold(chats: string[]): Promise<Set<string>>;
    release(chats: string[]): Promise<void>;
    releaseAll(): Promise<void>;
  };
}

/**
 * The one inbound pipeline, for every platform (DESIGN.md, "Shape"), in three parts
 * that each read alone: the update store (updateStore.ts: a raw update is stored
 * before the platform is acknowledged), the chat lanes (chatLanes.ts: each chat in
 * order, many chats at once) and the handling (handling.ts: translated, handled in
 * one transaction with its "handled" mark and its replies, answered from what was
 * stored). This file is the loop that feeds the lanes: what this process just stored,
 * and what the database says is due (retries, other instances' updates, a backlog).
 * A crash anywhere means the update is handled again, and the transaction means that
 * handling twice never commits twice.
 */
export class InboundPipeline {
  readonly #sources = new Map<string, InboundSource>();
  readonly #store: UpdateStore;
  readonly #lanes: ChatLanes;
  readonly #handling: UpdateHandling;
  #running = false;
  #loop: Promise<void> | null = null;
  #wake = new AbortController();
  /** Updates this process stored since the loop last looked. */
  readonly #fresh = new Map<number, StoredUpdate>();
  #lastScan = 0;
  /** A scan was left out because a page of rows was queued; the workers wake the loop. */
  #scanDeferred = false;
  /** Aborted by stop(): a reply waiting for its slot leaves the rest for the next start. */
  #stopping = new AbortController();
  /** Rows whose sender waits in this process for their end (receiveAndWait). */
  readonly #waiting = new Map<number, () => void>();

  constructor(private readonly deps: PipelineDeps) {
    this.#store = new UpdateStore(deps.db, deps.clock);
    this.#store.onEnded((ids) => {
      for (const id of ids) {
        this.#waiting.get(id)?.();
        this.#waiting.delete(id);
      }
    });
    this.#handling = new UpdateHandling({
      ...deps,
      store: this.#store,
      sources: this.#sources,
      stopping: () => this.#stopping.signal,
      albumDone: (rows, chat) => {
        this.#lanes.settle(rows.map((r) => r.id));
        if (!this.#lanes.has(chat) && !this.#handling.bursts.waitsIn(chat)) {
          this.#releaseChat(chat);
        }
      },
    });
    this.#lanes = new ChatLanes({
      concurrency: deps.options.concurrency,
      handle: (row) => this.#handling.handleRow(row),
      running: () => this.#running,
      started: (queued) => {
        // Half the page left: the next page is read while the workers still have work.
        if (this.#scanDeferred && queued < SCAN_PAGE / 2) {
          this.#scanDeferred = false;
          this.#wake.abort();
        }
      },
      idle: (chat) => this.#releaseChat(chat),
      waitsIn: (chat) => this.#handling.bursts.waitsIn(chat),
      logger: deps.logger,
    });
  }

  register(source: InboundSource): void {
    this.#sources.set(source.platform, source);
  }

  /** Stores a raw update; resolves once it is durable. A redelivery is recognised and dropped. */
  async receive(source: InboundSource, raw: unknown): Promise<ReceiveResult> {
    return (await this.#receive(source, raw, false)).result;
  }

  /**
   * Stores an update from a source whose sender waits in this process for the answer
   * (the console chat), and resolves once the update is answered or given up; a
   * repeat resolves at once. Everything else is as for any platform: the same table,
   * lanes, retries and answer path. The pipeline must be running.
   */
  async receiveAndWait(source: InboundSource, raw: unknown): Promise<ReceiveResult> {
    const { result, ended } = await this.#receive(source, raw, true);
    await ended;
    return result;
  }

  async #receive(
    source: InboundSource,
    raw: unknown,
    wait: boolean,
  ): Promise<{ result: ReceiveResult; ended?: Promise<void> }> {
    const ref = source.describe(raw);
    const row = ref ? await this.#store.insert(source.platform, ref, raw) : null;
    const result = !ref ? "ignored" : row ? "stored" : "duplicate";
    this.deps.metrics?.updatesReceived.inc({ platform: source.platform, result });
    if (!row) return { result };
    const ended = wait
      ? new Promise<void>((resolve) => this.#waiting.set(row.id, resolve))
      : undefined;
    // Handed to the loop as it is, so it needs no query to find it (a row the loop's
    // own query also returned is recognised by its id).
    this.#fresh.set(row.id, row);
    this.#wake.abort();
    return { result, ended };
  }

  /** Updates waiting or given up, per platform, for /healthz and the operator. */
  backlog(): Promise<Record<string, { waiting: number; failed: number }>> {
    return this.#store.backlog();
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
    this.#handling.bursts.clear();
    this.#fresh.clear();
    await this.#loop;
    await this.#lanes.drain();
    // Given back now rather than when their leases run out (30 s, on the app's clock).
    await this.deps.chatLeases
      ?.releaseAll()
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, "chat leases not released"));
  }

  async #run(): Promise<void> {
    while (this.#running) {
      // Retries come due by time, and another process (the admin CLI, another
      // instance) may store work: the database is looked at every 2 s, or every 100 ms
      // while an album waits here, since its next photo may land on another instance.
      // What this process stores wakes the loop at once; scanning each second cost as
      // much idle CPU as the rest of the bot (bench: 21–26 → 11–14 ms/s, bare 3.75).
      const interval = this.#handling.bursts.size > 0 ? 100 : 2000;
      let scan = this.#fresh.size === 0 || Date.now() - this.#lastScan >= interval;
      // A backlog (after a restart, an outage) is read a page at a time, not all at once.
      if (scan && this.#lanes.queued >= SCAN_PAGE) {
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

  /** Takes the due rows that are not in flight. */
  async #scan(): Promise<number> {
    this.#lastScan = Date.now();
    this.#scanDeferred = false;
    // What was handed over so far is committed, so the query finds it (or it is in flight).
    this.#fresh.clear();
    const rows = await this.#store.due([...this.#sources.keys()], this.#lanes.inFlight);
    for (const row of rows) this.#fresh.delete(row.id);
    return this.#take(rows);
  }

  /** Takes what this process stored since the last pass, without a query. */
  async #takeFresh(): Promise<number> {
    // The webhook's answer to the platform is written first, then the work starts.
    await new Promise((resolve) => setImmediate(resolve));
    const rows = [...this.#fresh.values()].filter((row) => !this.#lanes.inFlight.has(row.id));
    this.#fresh.clear();
    return this.#take(rows);
  }

  /** Queues the rows of the chats this instance holds (all of them, alone). */
  async #take(rows: StoredUpdate[]): Promise<number> {
    const leases = this.deps.chatLeases;
    let mine = rows;
    if (leases && rows.length > 0) {
      const held = await leases.hold([...new Set(rows.map(chatOf))]);
      mine = rows.filter((row) => held.has(chatOf(row)));
    }
    this.#lanes.enqueue(mine);
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
}
