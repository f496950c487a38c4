import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONSOLE_CAPABILITIES } from "../../src/core/capabilities.ts";
import { PlatformError } from "../../src/core/errors.ts";
import type { OutboundMessage } from "../../src/core/outbound.ts";
import type { SendTarget, Transport } from "../../src/core/transport.ts";
import { Sender } from "../../src/delivery/sender.ts";
import { createLogger } from "../../src/logger.ts";
import { createTestApp, type TestApp } from "../helpers/testApp.ts";

/** A platform that fails the way it is told to, per chat, and records what got through. */
class ScriptedTransport implements Transport {
  readonly platform = "telegram" as const;
  readonly capabilities = CONSOLE_CAPABILITIES;
  readonly limits = { perSecond: 1000, perChatIntervalMs: 0, perGroupPerMinute: 1000 };
  readonly sent: string[] = [];
  readonly script = new Map<string, Error[]>();
  /** Resolves sends only when released, to catch a sender mid-flight. */
  hold: Promise<void> | null = null;

  async send(target: SendTarget, _message: OutboundMessage) {
    if (this.hold) await this.hold;
    const failure = this.script.get(target.platformChatId)?.shift();
    if (failure) throw failure;
    this.sent.push(target.platformChatId);
    return { messageId: String(this.sent.length) };
  }
}

let t: TestApp;
let transport: ScriptedTransport;

beforeEach(async () => {
  t = await createTestApp();
  transport = new ScriptedTransport();
});
afterEach(() => t.close());

function sender() {
  return new Sender(t.app.services.outbox, [transport], t.clock, createLogger("silent"), {
    concurrency: 3,
    retryForMs: 150_000,
    backoffMs: 1000,
    backoffMaxMs: 20_000,
    leaseMs: 15_000,
    idleMs: 10,
    // The app's events: a chat that blocked the bot is marked by the app's own listener.
    events: t.app.events,
  });
}

async function enqueue(chats: string[]) {
  await t.app.services.outbox.enqueue(
    chats.map((chat) => ({
      kind: "ANNOUNCEMENT" as const,
      dedupeKey: `test:${chat}`,
      blocId: 1,
      platform: "telegram",
      platformChatId: chat,
      chatKind: "PRIVATE" as const,
      chatId: null,
      text: `hello ${chat}`,
    })),
  );
}

const statuses = async () =>
  Object.fromEntries(
    (await t.app.deps.db.delivery.findMany({ orderBy: { id: "asc" } })).map((d) => [
      d.platformChatId,
      d.status,
    ]),
  );

describe("the outbox sender", () => {
  it("ends every delivery sent, failed with a reason, or blocked", async () => {
    await enqueue(["a", "b", "c", "d"]);
    transport.script.set("b", [
      new PlatformError("Forbidden: bot was blocked by the user", "blocked"),
    ]);
    transport.script.set("c", [new PlatformError("Bad Request: chat not found", "permanent")]);
    transport.script.set("d", [
      new PlatformError("Too Many Requests: retry after 1", "rate_limited", 1000),
    ]);
    const s = sender();
    await s.drainOnce();
    expect(await statuses()).toEqual({ a: "SENT", b: "BLOCKED", c: "FAILED", d: "PENDING" });
    const d = await t.app.deps.db.delivery.findFirstOrThrow({ where: { platformChatId: "d" } });
    expect(d.attempts).toBe(0);
    t.clock.advance(1000);
    await new Promise((r) => setTimeout(r, 1000));
    await s.drainOnce();
    expect(await statuses()).toEqual({ a: "SENT", b: "BLOCKED", c: "FAILED", d: "SENT" });
    expect(
      (await t.app.deps.db.delivery.findFirstOrThrow({ where: { platformChatId: "c" } })).lastError,
    ).toBe("Bad Request: chat not found");
  });

  it("retries a network failure with capped backoff, and gives up only after the retry horizon", async () => {
    await enqueue(["flaky", "down"]);
    transport.script.set("flaky", [new PlatformError("ECONNRESET", "transient")]);
    transport.script.set(
      "down",
      Array.from({ length: 100 }, () => new PlatformError("502 Bad Gateway", "transient")),
    );
    const s = sender();
    await s.drainOnce();
    expect(await statuses()).toEqual({ flaky: "PENDING", down: "PENDING" });
    t.clock.advance(1000);
    await s.drainOnce();
    expect(await statuses()).toEqual({ flaky: "SENT", down: "PENDING" });
    // Far more than five tries: it keeps trying, the delay never above the cap…
    for (let i = 0; i < 6; i++) {
      t.clock.advance(20_000);
      await s.drainOnce();
    }
    const down = await t.app.deps.db.delivery.findFirstOrThrow({
      where: { platformChatId: "down" },
    });
    expect(down.status).toBe("PENDING");
    expect(down.attempts).toBeGreaterThanOrEqual(5);
    expect(down.nextAttemptAt.getTime() - t.clock.now().getTime()).toBeLessThanOrEqual(20_000);
    // …until the horizon (here 150 s from creation) has passed.
    t.clock.advance(40_000);
    await s.drainOnce();
    expect(await statuses()).toEqual({ flaky: "SENT", down: "FAILED" });
    expect(transport.sent).toEqual(["flaky"]);
  });

  it("does not stall when the wall clock steps back an hour", async () => {
    await enqueue(["late"]);
    transport.script.set("late", [new PlatformError("502 Bad Gateway", "transient")]);
    const s = sender();
    await s.drainOnce();
    t.clock.advance(-60 * 60_000);
    await s.drainOnce();
    expect(transport.sent).toEqual(["late"]);
  });

  it("sends the waiting retries of a platform at once when one send to it works again", async () => {
    await enqueue(["a", "b"]);
    transport.script.set("a", [new PlatformError("502 Bad Gateway", "transient")]);
    transport.script.set("b", [new PlatformError("502 Bad Gateway", "transient")]);
    const s = sender();
    await s.drainOnce();
    await enqueue(["c"]);
    await s.drainOnce();
    // "c" went through: the outage is over, so "a" and "b" do not wait for their back-off.
    await s.drainOnce();
    expect(transport.sent.sort()).toEqual(["a", "b", "c"]);
  });

  it("marks a chat that blocked the bot inactive, so it leaves later audiences", async () => {
    const chat = await t.app.deps.db.chat.create({
      data: { platform: "telegram", platformChatId: "b", kind: "PRIVATE", blocId: null },
    });
    await enqueue(["b"]);
    transport.script.set("b", [
      new PlatformError("Forbidden: bot was blocked by the user", "blocked"),
    ]);
    await sender().drainOnce();
    expect((await t.app.deps.db.chat.findUniqueOrThrow({ where: { id: chat.id } })).active).toBe(
      false,
    );
  });

  it("finishes in-flight sends on a clean stop and releases the rest, so nothing is sent twice", async () => {
    await enqueue(Array.from({ length: 10 }, (_, i) => `c${i}`));
    let release: () => void = () => {};
    transport.hold = new Promise((r) => {
      release = r;
    });
    const first = sender();
    first.start();
    await new Promise((r) => setTimeout(r, 100));
    const stopping = first.stop();
    release();
    transport.hold = null;
    await stopping;
    const inFlight = transport.sent.length;
    expect(inFlight).toBe(3);
    expect(await t.app.deps.db.delivery.count({ where: { status: "SENDING" } })).toBe(0);

    await sender().drainOnce();
    expect(transport.sent).toHaveLength(10);
    expect(new Set(transport.sent).size).toBe(10);
  });

  it("after a hard kill, takes the dead sender's deliveries back once their lease runs out", async () => {
    await enqueue(["x", "y"]);
    const claimed = await t.app.services.outbox.claim(
      "telegram",
      "dead-sender",
      10,
      60_000,
      120_000,
    );
    expect(claimed).toHaveLength(2);
    // The process died here: nothing was marked. A new sender must not steal a live lease…
    const next = sender();
    await next.drainOnce();
    expect(transport.sent).toEqual([]);
    // …but takes the work back once the lease has run out; these two may repeat, nothing else.
    t.clock.advance(61_000);
    expect(await t.app.services.outbox.recoverExpired(60_000)).toBe(2);
    await next.drainOnce();
    expect(transport.sent).toEqual(["x", "y"]);
  });

  it("fails deliveries for a platform no adapter serves, so announcements can finish", async () => {
    await t.app.services.outbox.enqueue([
      {
        kind: "ANNOUNCEMENT",
        dedupeKey: "zalo-1",
        blocId: 1,
        platform: "zalo",
        platformChatId: "z1",
        chatKind: "PRIVATE",
        chatId: null,
        text: "x",
      },
    ]);
    await sender().drainOnce();
    expect(await t.app.deps.db.delivery.findFirstOrThrow()).toMatchObject({
      status: "FAILED",
      lastError: "no adapter is configured for this platform",
    });
  });

  it("sends a delivery decided twice only once", async () => {
    await enqueue(["once"]);
    await enqueue(["once"]);
    await sender().drainOnce();
    expect(transport.sent).toEqual(["once"]);
  });
});
