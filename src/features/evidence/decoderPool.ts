import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { DecodeAnswer, DecodeRequest } from "./decoder.ts";

/** What a decode may answer besides the decoder's own verdict. */
export type PoolAnswer = DecodeAnswer | { refused: "too_slow" };

/** The pool was stopped (the bot is stopping): the photo is handled again after the restart. */
export class DecodersStopped extends Error {
  override name = "DecodersStopped";
}

export interface DecoderPoolOptions {
  /** Decoder processes at most (default: the CPUs but one, 1–4). */
  size?: number;
  /** From the photo's turn being asked for to its answer, waiting included. */
  timeoutMs: number;
  /** A decoder with nothing to do exits after this (its ~40 MB come back). */
  idleMs?: number;
}

export const defaultDecoders = () => Math.max(1, Math.min(4, availableParallelism() - 1));

interface Job {
  request: DecodeRequest;
  settle(answer: PoolAnswer): void;
  fail(error: Error): void;
  timer: NodeJS.Timeout;
}

interface Slot {
  child: ChildProcess;
  job: Job | null;
  idle: NodeJS.Timeout | null;
}

/**
 * Where the decoder's script is: beside this file when run from the sources (through
 * tsx), or an entry of its own in the bundle (scripts/build.mjs), which puts this code
 * in dist/src/main.js or a chunk under dist/chunks/.
 */
function decoderEntry(): { script: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".ts")) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    return { script: join(dirname(here), "decoder.ts"), execArgv: ["--import", tsx] };
  }
  for (let dir = dirname(here); dirname(dir) !== dir; dir = dirname(dir)) {
    const script = join(dir, "src", "features", "evidence", "decoder.js");
    if (existsSync(script)) return { script, execArgv: [] };
  }
  throw new Error(`the image decoder's script is missing beside ${here}`);
}

/**
 * Photos are decoded in a few child processes, one photo each at a time, so a photo
 * that decodes slowly holds up only the photos queued behind it, never other chats'
 * replies. Each photo has `timeoutMs` from being asked for to its answer: past it, its
 * decoder is killed (the CPU comes back at once) and the photo is refused as too slow.
 * Decoders start on the first photo and exit when idle; an idle one keeps no process
 * alive (tests and CLIs end without stopping the pool).
 */
export class ImageDecoders {
  readonly size: number;
  #slots: (Slot | null)[];
  #queue: Job[] = [];
  #stopped = false;
  #entry: { script: string; execArgv: string[] } | null = null;

  constructor(private readonly options: DecoderPoolOptions) {
    this.size = options.size ?? defaultDecoders();
    this.#slots = Array.from({ length: this.size }, () => null);
  }

  /** Photos being decoded right now. */
  busy(): number {
    return this.#slots.filter((slot) => slot?.job).length;
  }

  decode(request: DecodeRequest): Promise<PoolAnswer> {
    if (this.#stopped) return Promise.reject(new DecodersStopped("image decoders stopped"));
    return new Promise<PoolAnswer>((resolve, reject) => {
      let done = false;
      const job: Job = {
        request,
        settle: (answer) => {
          if (done) return;
          done = true;
          clearTimeout(job.timer);
          resolve(answer);
        },
        fail: (error) => {
          if (done) return;
          done = true;
          clearTimeout(job.timer);
          reject(error);
        },
        timer: setTimeout(() => this.#timedOut(job), this.options.timeoutMs),
      };
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Kills every decoder; photos waiting or in progress fail with DecodersStopped. */
  stop(): void {
    this.#stopped = true;
    const stopped = new DecodersStopped("image decoders stopped");
    for (const job of this.#queue.splice(0)) job.fail(stopped);
    for (const [index, slot] of this.#slots.entries()) {
      if (!slot) continue;
      this.#release(index);
      slot.job?.fail(stopped);
    }
  }

  #timedOut(job: Job): void {
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) this.#queue.splice(queued, 1);
    const index = this.#slots.findIndex((slot) => slot?.job === job);
    if (index >= 0) this.#release(index);
    job.settle({ refused: "too_slow" });
    this.#pump();
  }

  #pump(): void {
    for (let index = 0; index < this.size && this.#queue.length > 0; index++) {
      const slot = this.#slots[index];
      if (slot?.job) continue;
      const job = this.#queue.shift() as Job;
      const ready = slot ?? this.#spawn(index);
      if (ready.idle) clearTimeout(ready.idle);
      ready.idle = null;
      ready.job = job;
      ready.child.ref();
      ready.child.channel?.ref();
      ready.child.send(job.request, (error) => {
        if (error && ready.job === job) {
          this.#release(index);
          job.fail(error);
          this.#pump();
        }
      });
    }
  }

  #spawn(index: number): Slot {
    this.#entry ??= decoderEntry();
    const child = fork(this.#entry.script, [], {
      execArgv: this.#entry.execArgv,
      serialization: "advanced",
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    const slot: Slot = { child, job: null, idle: null };
    this.#slots[index] = slot;
    child.on("message", (answer: DecodeAnswer) => {
      const job = slot.job;
      if (this.#slots[index] !== slot || !job) return;
      slot.job = null;
      this.#rest(index, slot);
      job.settle(answer);
      this.#pump();
    });
    const gone = (error?: Error) => {
      if (this.#slots[index] !== slot) return;
      this.#slots[index] = null;
      if (slot.idle) clearTimeout(slot.idle);
      const job = slot.job;
      // A decoder that could not start is the bot's fault; one that died on a photo is
      // the photo's (libvips gave up on it, or it took all the memory it could).
      if (job && error) job.fail(error);
      else job?.settle({ refused: "not_an_image" });
      this.#pump();
    };
    child.on("error", (error) => gone(error));
    child.on("exit", () => gone());
    return slot;
  }

  /** Between photos: nothing keeps the process alive for it, and it exits when idle long. */
  #rest(index: number, slot: Slot): void {
    slot.child.unref();
    slot.child.channel?.unref();
    slot.idle = setTimeout(() => {
      if (this.#slots[index] === slot && !slot.job) this.#release(index);
    }, this.options.idleMs ?? 30_000);
    slot.idle.unref();
  }

  #release(index: number): void {
    const slot = this.#slots[index];
    if (!slot) return;
    this.#slots[index] = null;
    if (slot.idle) clearTimeout(slot.idle);
    slot.child.kill("SIGKILL");
  }
}
