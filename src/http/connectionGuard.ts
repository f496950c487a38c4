import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import type { Logger } from "../logger.ts";

export interface ConnectionLimits {
  /** Connections held at once for any request. */
  total: number;
  /** Connections one client address may hold (0: no cap, e.g. behind a local proxy). */
  perAddress: number;
  /** Kept beyond `total` for webhooks and /healthz, when every other connection is busy. */
  reserve: number;
}

/** Descriptors the process keeps for itself: the database, files, calls to the platforms. */
const KEPT_FOR_PROCESS = 128;
export const RESERVED_CONNECTIONS = 64;
/**
 * A connection gives way only after this long without a whole request: a client
 * sends its request as soon as it connects, so a new connection is never pushed out
 * by the next one before it could speak.
 */
const GRACE_MS = 1000;

/** The soft limit on open files, as Linux says it (null elsewhere). */
export function openFileLimit(): number | null {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(
      readFileSync("/proc/self/limits", "utf8"),
    );
    if (!line?.[1]) return null;
    return line[1] === "unlimited" ? Number.POSITIVE_INFINITY : Number(line[1]);
  } catch {
    return null;
  }
}

/**
 * The operator's caps, lowered so that every connection, the reserve and the process's
 * own files fit under the file limit: past it, accept() fails and the process can no
 * longer open its database or call the platforms.
 */
export function connectionLimits(
  wanted: { total: number; perAddress: number },
  fileLimit: number | null,
): ConnectionLimits & { cappedByFiles: boolean } {
  const room =
    fileLimit === null ? wanted.total : fileLimit - KEPT_FOR_PROCESS - RESERVED_CONNECTIONS;
  const total = Math.max(8, Math.min(wanted.total, room));
  return {
    total,
    perAddress: wanted.perAddress,
    reserve: RESERVED_CONNECTIONS,
    cappedByFiles: total < wanted.total,
  };
}

type State = "waiting" | "receiving" | "busy";

interface Tracked {
  socket: Socket;
  address: string;
  state: State;
  since: number;
  /** Admitted into the reserve: serves webhooks and /healthz only. */
  reserved: boolean;
}

const isPriority = (path: string) => path === "/healthz" || /^\/webhooks\/[a-z]+$/.test(path);

/**
 * Who keeps a connection when there are too many. Every connection is waiting (no
 * request yet, or idle between two), receiving (headers read, body still coming) or
 * busy (being answered). When a cap is reached, a new connection takes the place of
 * the one that has waited longest, else of the slowest body; a request being answered
 * is never cut. A legitimate client sends its request as soon as it connects, so a
 * flood of idle or slow connections only ever pushes out its own kind. When every
 * connection is busy, a reserve serves webhooks and /healthz only; past that,
 * connections are refused.
 */
export class ConnectionGuard {
  readonly #all = new Map<Socket, Tracked>();
  readonly #byAddress = new Map<string, Set<Tracked>>();
  // Insertion order is age order: a connection is re-inserted when its state changes.
  readonly #waiting = new Map<Tracked, true>();
  readonly #receiving = new Map<Tracked, true>();
  readonly #shed = { evicted: 0, refused: 0, since: Number.NEGATIVE_INFINITY };

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly logger: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get open(): number {
    return this.#all.size;
  }

  /** A new connection: false when it must be refused. */
  admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? "";
    const mine = this.#byAddress.get(address);
    const { perAddress, total, reserve } = this.limits;
    if (perAddress > 0 && mine && mine.size >= perAddress && !this.#evictFrom(mine.values())) {
      this.#note("refused");
      return false;
    }
    let reserved = false;
    if (this.#all.size >= total && !this.#evictOldest()) {
      if (this.#all.size >= total + reserve) {
        this.#note("refused");
        return false;
      }
      reserved = true;
    }
    const tracked: Tracked = { socket, address, state: "waiting", since: this.now(), reserved };
    this.#all.set(socket, tracked);
    const set = mine ?? new Set<Tracked>();
    set.add(tracked);
    this.#byAddress.set(address, set);
    this.#waiting.set(tracked, true);
    socket.once("close", () => this.#forget(tracked));
    return true;
  }

  /** Headers of a request are in; whether this connection may serve that path. */
  receiving(socket: Socket, path: string): boolean {
    const tracked = this.#all.get(socket);
    if (!tracked) return true;
    this.#move(tracked, "receiving");
    return !tracked.reserved || isPriority(path);
  }

  /** The whole request is in: it is being answered. */
  busy(socket: Socket): void {
    const tracked = this.#all.get(socket);
    if (tracked) this.#move(tracked, "busy");
  }

  /** Answered: the connection waits for the next request (keep-alive). */
  waiting(socket: Socket): void {
    const tracked = this.#all.get(socket);
    if (tracked) this.#move(tracked, "waiting");
  }

  #move(tracked: Tracked, state: State) {
    this.#waiting.delete(tracked);
    this.#receiving.delete(tracked);
    tracked.state = state;
    tracked.since = this.now();
    if (state === "waiting") this.#waiting.set(tracked, true);
    if (state === "receiving") this.#receiving.set(tracked, true);
  }

  #evictOldest(): boolean {
    for (const queue of [this.#waiting, this.#receiving]) {
      const oldest = queue.keys().next();
      if (!oldest.done && this.now() - oldest.value.since >= GRACE_MS) {
        return this.#evict(oldest.value);
      }
    }
    return false;
  }

  #evictFrom(candidates: Iterable<Tracked>): boolean {
    let best: Tracked | null = null;
    for (const c of candidates) {
      if (c.state === "busy" || this.now() - c.since < GRACE_MS) continue;
      if (
        !best ||
        (c.state === "waiting" && best.state !== "waiting") ||
        (c.state === best.state && c.since < best.since)
      ) {
        best = c;
      }
    }
    return best ? this.#evict(best) : false;
  }

  #evict(tracked: Tracked): boolean {
    this.#forget(tracked);
    tracked.socket.destroy();
    this.#note("evicted");
    return true;
  }

  #forget(tracked: Tracked) {
    if (this.#all.get(tracked.socket) !== tracked) return;
    this.#all.delete(tracked.socket);
    this.#waiting.delete(tracked);
    this.#receiving.delete(tracked);
    const set = this.#byAddress.get(tracked.address);
    set?.delete(tracked);
    if (set?.size === 0) this.#byAddress.delete(tracked.address);
  }

  /** One line a minute at most, with the counts: a flood must not fill the disk. */
  #note(what: "evicted" | "refused") {
    this.#shed[what]++;
    const now = this.now();
    if (now - this.#shed.since < 60_000) return;
    this.logger.warn(
      { evicted: this.#shed.evicted, refused: this.#shed.refused, open: this.#all.size },
      "http: too many connections; idle and slow ones give way",
    );
    this.#shed.evicted = 0;
    this.#shed.refused = 0;
    this.#shed.since = now;
  }
}
