import type { Clock } from "../../core/clock.ts";
import { DAY } from "../../core/clock.ts";
import type { Language } from "../../core/roles.ts";
import type { SendTarget, Transport } from "../../core/transport.ts";
import type { Translator } from "../../i18n/translator.ts";
import type { Logger } from "../../logger.ts";
import type { AnnouncementService } from "./service.ts";

/**
 * Tells the lead how an announcement is going: a message edited in place where the
 * platform can edit ("Đã gửi 120/300 · lỗi 2"), and a final summary through the
 * outbox once every delivery is settled, again after a retry of the failed ones. The
 * counts come from the database and the message id is stored with the announcement,
 * so a restart picks up where it was.
 */
export class AnnouncementProgress {
  readonly #lastUpdate = new Map<number, number>();
  readonly #timers = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly announcements: AnnouncementService,
    private readonly transports: Transport[],
    private readonly translator: Translator,
    private readonly logger: Logger,
    /** Sends or edits within the platform's limits (the limiter every other send uses). */
    private readonly paced: <T>(
      transport: Transport,
      target: SendTarget,
      send: () => Promise<T>,
    ) => Promise<T>,
    private readonly clock: Clock,
    private readonly throttleMs = 2000,
  ) {}

  /** Finishes what a dead process left: summaries of announcements that have ended. */
  async recover(): Promise<void> {
    const since = new Date(this.clock.now().getTime() - 7 * DAY);
    for (const id of await this.announcements.awaitingSummary(since)) {
      const counts = await this.announcements.counts(id);
      if (counts.pending === 0) await this.update(id);
    }
  }

  /** Called after each delivery of an announcement settles. */
  settled(announcementId: number): void {
    if (this.#timers.has(announcementId)) return;
    const since = performance.now() - (this.#lastUpdate.get(announcementId) ?? 0);
    const wait = Math.max(0, this.throttleMs - since);
    this.#timers.set(
      announcementId,
      setTimeout(() => {
        this.#timers.delete(announcementId);
        this.update(announcementId).catch((error: unknown) =>
          this.logger.error({ err: error, announcementId }, "announcement progress failed"),
        );
      }, wait),
    );
  }

  async update(announcementId: number): Promise<void> {
    this.#lastUpdate.set(announcementId, performance.now());
    const [counts, lead] = await Promise.all([
      this.announcements.counts(announcementId),
      this.announcements.leadChat(announcementId),
    ]);
    if (!lead) return;
    const t = this.translator.for(lead.language as Language);
    if (counts.pending === 0) {
      const retried = (await this.announcements.retries(announcementId)) > 0;
      const lines = [
        t(retried ? "announcements:summary_retried" : "announcements:summary", {
          id: announcementId,
          ...counts,
        }),
      ];
      // Counts say how many; the lead's next question is who, and the answer is a command away.
      if (counts.failed + counts.blocked > 0)
        lines.push(t("announcements:summary_details", { id: announcementId }));
      await this.announcements.enqueueSummary(announcementId, lines.join("\n"));
      return;
    }
    const transport = this.transports.find((tr) => tr.platform === lead.chat.platform);
    if (!transport?.capabilities.editMessages || !transport.edit) return;
    const target = {
      platformChatId: lead.chat.platformChatId,
      kind: lead.chat.kind === "GROUP" ? ("GROUP" as const) : ("PRIVATE" as const),
    };
    const text = t("announcements:progress", {
      id: announcementId,
      done: counts.sent,
      total: counts.total,
      failed: counts.failed + counts.blocked,
    });
    const messageId = lead.announcement.progressMessageId;
    const edit = transport.edit.bind(transport);
    if (messageId) await this.paced(transport, target, () => edit(target, messageId, text));
    else {
      const sent = await this.paced(transport, target, () => transport.send(target, { text }));
      await this.announcements.setProgressMessage(announcementId, sent.messageId);
    }
  }

  /** Runs the updates that are waiting for their throttle now (tests, clean stop). */
  async flush(): Promise<void> {
    const ids = [...this.#timers.keys()];
    this.stop();
    for (const id of ids) await this.update(id);
  }

  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
