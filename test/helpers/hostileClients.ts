import { readFileSync } from "node:fs";
import { request } from "node:http";
import { connect, type Socket } from "node:net";

/*
 * Clients an attacker (or a robot) runs against the bot's HTTP server, over real
 * sockets: bodies too large to keep, connections that say nothing, bodies sent a
 * byte at a time; and the legitimate requests that must still be answered meanwhile.
 * Every loop is bounded and aims at the loopback only. Shared by the journey tests
 * and scripts/bench/hostileHttp.ts, so the figures and the tests probe alike.
 */

/** Loopback addresses to spread a flood over (Linux answers on all of 127.0.0.0/8). */
export const loopbackAddresses = (count: number, from = 2) =>
  Array.from({ length: count }, (_, i) => `127.0.0.${from + i}`);

export interface Answer {
  /** The HTTP status, or 0 when the connection was refused, cut or timed out. */
  status: number;
  ms: number;
  body: string;
  error?: string;
}

/** One request on its own connection, from `localAddress`, given up after `timeoutMs`. */
export function send(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    localAddress?: string;
    timeoutMs?: number;
  } = {},
): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: Omit<Answer, "ms">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...answer, ms: Date.now() - started });
    };
    const req = request(
      url,
      {
        method: options.method ?? "GET",
        headers: options.headers,
        agent: false,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on("end", () => done({ status: res.statusCode ?? 0, body }));
        res.on("error", (error) => done({ status: 0, body, error: error.message }));
      },
    );
    const timer = setTimeout(
      () => done({ status: 0, body: "", error: "timeout" }),
      options.timeoutMs ?? 5000,
    );
    req.on("error", (error) => done({ status: 0, body: "", error: error.message }));
    req.end(options.body);
  });
}

/**
 * Posts `size` bytes as fast as the server takes them, announced in Content-Length or
 * chunked (no length: the server can only count). Answers the status (0: cut before
 * any answer) and how much was sent before the server answered or hung up.
 */
export function postHuge(
  url: string,
  size: number,
  options: { chunked?: boolean; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer & { sentBytes: number }> {
  const started = Date.now();
  const chunk = Buffer.alloc(256 * 1024, "a");
  return new Promise((resolve) => {
    let sentBytes = 0;
    let settled = false;
    let status = 0;
    const done = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({
        status,
        ms: Date.now() - started,
        body: "",
        sentBytes,
        ...(error ? { error } : {}),
      });
    };
    const req = request(url, {
      method: "POST",
      agent: false,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(options.chunked ? {} : { "content-length": String(size) }),
        ...options.headers,
      },
    });
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on("end", () => done());
      res.on("error", () => done());
    });
    req.on("error", (error) => done(error.message));
    const timer = setTimeout(() => done("timeout"), options.timeoutMs ?? 60_000);
    const pump = () => {
      while (!settled && sentBytes < size) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - sentBytes));
        sentBytes += part.length;
        if (!req.write(part)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!settled && sentBytes >= size) req.end();
    };
    pump();
  });
}

/** A connection held open, and whether the server has closed it since. */
export interface HeldConnection {
  socket: Socket;
  closed: boolean;
}

function hold(port: number, localAddress: string, onConnect?: (socket: Socket) => void) {
  return new Promise<HeldConnection>((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress });
    const held: HeldConnection = { socket, closed: false };
    socket.on("error", () => {});
    socket.on("close", () => {
      held.closed = true;
      resolve(held);
    });
    socket.on("data", () => {});
    socket.once("connect", () => {
      onConnect?.(socket);
      resolve(held);
    });
  });
}

export interface Flood {
  connections: HeldConnection[];
  /** How many the server still keeps open. */
  open(): number;
  close(): void;
}

function flood(connections: HeldConnection[], timers: NodeJS.Timeout[] = []): Flood {
  return {
    connections,
    open: () => connections.filter((c) => !c.closed).length,
    close: () => {
      for (const timer of timers) clearInterval(timer);
      for (const c of connections) c.socket.destroy();
    },
  };
}

/** `count` connections that send nothing at all, round-robin over `addresses`. */
export async function idleFlood(port: number, count: number, addresses: string[]): Promise<Flood> {
  const connections: HeldConnection[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) =>
      hold(port, addresses[(i + j) % addresses.length] ?? "127.0.0.1"),
    );
    connections.push(...(await Promise.all(batch)));
  }
  return flood(connections);
}

/**
 * Slowloris: `count` requests whose headers announce a body of `declared` bytes,
 * which then comes one byte every `everyMs` on each connection, for as long as the
 * server keeps the connection.
 */
export async function slowBodies(
  port: number,
  count: number,
  addresses: string[],
  options: { path: string; declared: number; everyMs: number },
): Promise<Flood> {
  const head =
    `POST ${options.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${options.declared}\r\n\r\n`;
  const connections: HeldConnection[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) =>
      hold(port, addresses[(i + j) % addresses.length] ?? "127.0.0.1", (s) => s.write(head)),
    );
    connections.push(...(await Promise.all(batch)));
  }
  const timer = setInterval(() => {
    for (const c of connections) if (!c.closed) c.socket.write("a");
  }, options.everyMs);
  return flood(connections, [timer]);
}

/** A process's resident memory now and at its peak (VmRSS, VmHWM), in MB. */
export function rssOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const mb = (field: string) =>
    Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
  return { rssMb: mb("VmRSS"), peakMb: mb("VmHWM") };
}
