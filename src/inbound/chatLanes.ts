import type { Logger } from "../logger.ts";
import { chatOf, type StoredUpdate } from "./updateStore.ts";

export interface ChatLanesDeps {
  /** Chats handled at once. */
  concurrency: number;
  /** Handles one row; answers true when the row stays in flight after (it waits in an album). */
  handle(row: StoredUpdate): Promise<boolean>;
  /** False once the pipeline stops: what is queued stays in the database for the next start. */
  running(): boolean;
  /** A row was started; `queued` are still waiting behind it (the loop reads the next page in time). */
  started(queued: number): void;
  /** The chat has nothing left here and nothing waiting in an album: another instance may take it. */
  idle(chat: string): void;
  /** Whether an album still waits in the chat (then the chat stays ours). */
  waitsIn(chat: string): boolean;
  logger: Logger;
}

/**
 * Per-chat lanes over a pool of workers: each chat's rows in order, by one worker at
 * a time, up to `concurrency` chats at once. A worker takes the next waiting chat as
 * soon as it is free, so an update never waits for others it does not follow (there
 * is no batch to finish first).
 */
export class ChatLanes {
  /** Rows taken and not finished (queued, handled, or waiting in an album). */
  readonly inFlight = new Set<number>();
  /** Chats being handled here, each with its rows not yet started, in order. */
  readonly #chats = new Map<string, StoredUpdate[]>();
  /** Chats with rows and no worker yet, in arrival order. */
  readonly #waitingChats: string[] = [];
  readonly #workers = new Set<Promise<void>>();
  #queued = 0;

  constructor(private readonly deps: ChatLanesDeps) {}

  /** Rows taken and not yet started. */
  get queued(): number {
    return this.#queued;
  }

  /** Whether the chat has rows here (queued or being handled). */
  has(chat: string): boolean {
    return this.#chats.has(chat);
  }

  enqueue(rows: StoredUpdate[]): void {
    for (const row of rows) {
      if (this.inFlight.has(row.id)) continue;
      this.inFlight.add(row.id);
      this.#queued++;
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

  /** Rows that waited in an album are finished. */
  settle(ids: number[]): void {
    for (const id of ids) this.inFlight.delete(id);
  }

  /** Waits for the workers to finish the row each is on. */
  async drain(): Promise<void> {
    while (this.#workers.size > 0) await Promise.all(this.#workers);
  }

  #startWorkers(): void {
    while (this.#workers.size < this.deps.concurrency && this.#waitingChats.length > 0) {
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
      this.#queued--;
      this.deps.started(this.#queued);
      // Stopped: what is queued stays in the database, handled after the next start.
      if (!this.deps.running()) {
        this.inFlight.delete(row.id);
        continue;
      }
      let keep = false;
      try {
        keep = await this.deps.handle(row);
      } catch (error) {
        this.deps.logger.error({ err: error, updateKey: row.updateKey }, "inbound row failed");
      } finally {
        if (!keep) this.inFlight.delete(row.id);
      }
      waiting ||= keep;
    }
    // Checked and removed with no wait in between: a row queued for this chat after
    // this point starts a new worker.
    this.#chats.delete(chat);
    // A chat whose album still waits stays ours until the album is handled.
    if (!waiting && !this.deps.waitsIn(chat)) this.deps.idle(chat);
  }
}
