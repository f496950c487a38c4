import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * What an operator graphs and alerts on, in Prometheus' text format at /metrics
 * (prom-client). Counters are per process: a Prometheus server sums the instances.
 * Depths are read from the database at each scrape, so every instance reports the
 * same shared queue.
 */
export class BotMetrics {
  readonly registry = new Registry();
  readonly updatesReceived: Counter<"platform" | "result">;
  readonly updatesHandled: Counter<"platform" | "outcome">;
  readonly handlerErrors: Counter<"platform">;
  readonly deliveries: Counter<"platform" | "state">;
  readonly sendSeconds: Histogram<"platform">;
  readonly rateLimited: Counter<"platform">;
  readonly replyParts: Counter<"platform" | "outcome">;
  readonly reminderTicks: Counter<"outcome">;
  readonly reminderTickSeconds: Histogram;

  constructor(depths: {
    inbox: () => Promise<Record<string, { waiting: number; failed: number }>>;
    outbox: () => Promise<Record<string, number>>;
  }) {
    const registers = [this.registry];
    this.updatesReceived = new Counter({
      name: "thidua_updates_received_total",
      help: "Platform updates received, by result (stored, duplicate, ignored)",
      labelNames: ["platform", "result"],
      registers,
    });
    this.updatesHandled = new Counter({
      name: "thidua_updates_handled_total",
      help: "Updates handled, by outcome (handled, retry, failed)",
      labelNames: ["platform", "outcome"],
      registers,
    });
    this.handlerErrors = new Counter({
      name: "thidua_handler_errors_total",
      help: "Updates whose handling threw (each try counts)",
      labelNames: ["platform"],
      registers,
    });
    this.deliveries = new Counter({
      name: "thidua_deliveries_total",
      help: "Outbox deliveries settled, by final state (SENT, FAILED, BLOCKED) or RETRY",
      labelNames: ["platform", "state"],
      registers,
    });
    this.sendSeconds = new Histogram({
      name: "thidua_send_duration_seconds",
      help: "Time of one send call to the platform",
      labelNames: ["platform"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.rateLimited = new Counter({
      name: "thidua_platform_429_total",
      help: "Sends the platform answered with 429 Too Many Requests",
      labelNames: ["platform"],
      registers,
    });
    this.replyParts = new Counter({
      name: "thidua_reply_parts_total",
      help: "Parts of direct replies (a text, a document), by outcome (sent, retry, missed)",
      labelNames: ["platform", "outcome"],
      registers,
    });
    this.reminderTicks = new Counter({
      name: "thidua_reminder_ticks_total",
      help: "Reminder scheduler ticks, by outcome (ok, failed)",
      labelNames: ["outcome"],
      registers,
    });
    this.reminderTickSeconds = new Histogram({
      name: "thidua_reminder_tick_duration_seconds",
      help: "Duration of one reminder tick",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: "thidua_inbox_depth",
      help: "Stored updates not yet done, by platform and state (waiting, failed)",
      labelNames: ["platform", "state"],
      registers,
      async collect() {
        this.reset();
        for (const [platform, depth] of Object.entries(await depths.inbox())) {
          this.set({ platform, state: "waiting" }, depth.waiting);
          this.set({ platform, state: "failed" }, depth.failed);
        }
      },
    });
    new Gauge({
      name: "thidua_outbox_depth",
      help: "Deliveries pending or being sent, by platform",
      labelNames: ["platform"],
      registers,
      async collect() {
        this.reset();
        for (const [platform, depth] of Object.entries(await depths.outbox())) {
          this.set({ platform }, depth);
        }
      },
    });
  }

  /** The process's own figures (memory, CPU, event loop): the running bot only, not tests. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry, prefix: "thidua_" });
  }

  /** Runs one reminder tick, counted and timed. */
  async timeTick<T>(tick: () => Promise<T>): Promise<T> {
    const end = this.reminderTickSeconds.startTimer();
    try {
      const result = await tick();
      this.reminderTicks.inc({ outcome: "ok" });
      return result;
    } catch (error) {
      this.reminderTicks.inc({ outcome: "failed" });
      throw error;
    } finally {
      end();
    }
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
