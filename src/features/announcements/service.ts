import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Language } from "../../core/roles.ts";
import type { Db } from "../../db/client.ts";
import type { DeliveryCounts, DeliveryStatus, Outbox } from "../../delivery/outbox.ts";
import { type AuditActor, recordAudit } from "../../services/auditLog.ts";
import { type Reach, type Recipient, reachUnits } from "../../services/recipients.ts";

export type Audience = { units: "all" } | { units: number[] };

/** The lead's summary of the current round; a retry files the last one as `…:summary:<round>`. */
const summaryKey = (announcementId: number) => `announcement:${announcementId}:summary`;

export interface NewAnnouncement {
  blocId: number;
  actor: AuditActor;
  leadChatId: number | null;
  text: string;
  /** The text per language, when it exists in several: each member gets theirs. */
  texts?: Record<string, string>;
  photoKey: string | null;
  audience: Audience;
  /** The campaign this announcement launches, when it does. */
  campaignId?: number | null;
}

/** Announcements: one delivery per target chat, written in one transaction. */
export class AnnouncementService {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly defaultLanguage: Language,
    /** Tells the sender there is work, so it need not wait for its next look. */
    private readonly nudge: () => void = () => {},
  ) {}

  /**
   * The chats an audience reaches (units' groups and members' private chats, on the
   * apps each member chose with /notify) and the units nobody there can be reached in.
   */
  targets(blocId: number, audience: Audience): Promise<Reach> {
    return reachUnits(this.db, blocId, audience.units, "everyone", this.defaultLanguage);
  }

  async create(input: NewAnnouncement): Promise<{ id: number; targets: number }> {
    const { recipients: chats } = await this.targets(input.blocId, input.audience);
    if (chats.length === 0) throw new AppError("no_audience");
    // A group has no one language: it reads the lead's text.
    const textFor = (chat: Recipient) =>
      (chat.chatKind === "PRIVATE" && input.texts?.[chat.language]) || input.text;
    const id = await this.db.$transaction(async (tx) => {
      const announcement = await tx.announcement.create({
        data: {
          blocId: input.blocId,
          createdBy: input.actor,
          leadChatId: input.leadChatId,
          text: input.text,
          photoKey: input.photoKey,
          audience: JSON.stringify(input.audience),
          campaignId: input.campaignId ?? null,
          createdAt: this.clock.now(),
        },
      });
      await this.outbox.enqueue(
        chats.map((chat) => ({
          kind: "ANNOUNCEMENT" as const,
          dedupeKey: `announcement:${announcement.id}:chat:${chat.chatId}`,
          announcementId: announcement.id,
          blocId: input.blocId,
          platform: chat.platform,
          platformChatId: chat.platformChatId,
          chatKind: chat.chatKind,
          chatId: chat.chatId,
          text: textFor(chat),
          photoKey: input.photoKey,
        })),
        tx,
      );
      await recordAudit(tx, {
        at: this.clock.now(),
        actor: input.actor,
        action: "announcement.create",
        blocId: input.blocId,
        details: { announcementId: announcement.id, targets: chats.length },
      });
      return announcement.id;
    });
    this.nudge();
    return { id, targets: chats.length };
  }

  async recent(blocId: number, take = 10) {
    const rows = await this.db.announcement.findMany({
      where: { blocId },
      orderBy: { id: "desc" },
      take,
    });
    return Promise.all(
      rows.map(async (row) => ({ ...row, counts: await this.outbox.countsFor(row.id) })),
    );
  }

  async counts(announcementId: number): Promise<DeliveryCounts> {
    return this.outbox.countsFor(announcementId);
  }

  async get(blocId: number, announcementId: number) {
    const row = await this.db.announcement.findFirst({ where: { id: announcementId, blocId } });
    if (!row) throw new AppError("not_found");
    return row;
  }

  /** Each chat an announcement went to (those in `statuses`), who reads it there, how it ended. */
  async deliveries(blocId: number, announcementId: number, statuses?: DeliveryStatus[]) {
    await this.get(blocId, announcementId);
    const rows = await this.db.delivery.findMany({
      where: { announcementId, ...(statuses ? { status: { in: statuses } } : {}) },
      orderBy: { id: "asc" },
      select: {
        id: true,
        platform: true,
        platformChatId: true,
        chatKind: true,
        status: true,
        lastError: true,
        chatId: true,
      },
    });
    const [chats, accounts] = await Promise.all([
      // The bloc's chats, not an id list: an announcement may reach thousands.
      this.db.chat.findMany({
        where: { blocId },
        select: { id: true, unit: { select: { name: true } } },
      }),
      this.db.account.findMany({
        where: { member: { blocId } },
        select: { platform: true, platformUserId: true, member: { select: { displayName: true } } },
      }),
    ]);
    const unitOf = new Map(chats.map((c) => [c.id, c.unit?.name ?? null]));
    const personOf = new Map(
      accounts.map((a) => [`${a.platform}:${a.platformUserId}`, a.member.displayName]),
    );
    return rows.map((r) => ({
      ...r,
      unitName: r.chatId ? (unitOf.get(r.chatId) ?? null) : null,
      person:
        r.chatKind === "PRIVATE"
          ? (personOf.get(`${r.platform}:${r.platformChatId}`) ?? null)
          : null,
    }));
  }

  /**
   * Queues the failed deliveries again. The summary the lead already has is filed
   * under its round's number, so the end of the retry owes (and sends) a new one.
   */
  async retryFailed(blocId: number, announcementId: number, actor: AuditActor): Promise<number> {
    await this.get(blocId, announcementId);
    const key = summaryKey(announcementId);
    const count = await this.db.$transaction(async (tx) => {
      const count = await this.outbox.retryFailed(announcementId, tx);
      if (count === 0) return 0;
      const rounds = await tx.delivery.count({ where: { dedupeKey: { startsWith: key } } });
      await tx.delivery.updateMany({
        where: { dedupeKey: key },
        data: { dedupeKey: `${key}:${rounds}` },
      });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action: "announcement.retry",
        blocId,
        details: { announcementId, count },
      });
      return count;
    });
    if (count > 0) this.nudge();
    return count;
  }

  /** How many times the failed deliveries were sent again (0: the first round). */
  async retries(announcementId: number): Promise<number> {
    return this.db.delivery.count({
      where: { dedupeKey: { startsWith: `${summaryKey(announcementId)}:` } },
    });
  }

  /** The chat and language to tell the lead how an announcement went. */
  async leadChat(announcementId: number) {
    const row = await this.db.announcement.findUnique({ where: { id: announcementId } });
    if (!row?.leadChatId) return null;
    const chat = await this.db.chat.findUnique({ where: { id: row.leadChatId } });
    const memberId = Number(row.createdBy.replace("member:", ""));
    const member = Number.isInteger(memberId)
      ? await this.db.member.findUnique({ where: { id: memberId } })
      : null;
    return chat ? { announcement: row, chat, language: member?.language ?? "vi" } : null;
  }

  /**
   * The active campaign a message replies to, when the message it replies to was
   * that campaign's announcement in this chat.
   */
  async campaignRepliedTo(
    blocId: number,
    platform: string,
    platformChatId: string,
    replyTo: string,
  ) {
    const announcementId = await this.outbox.announcementOfMessage(
      platform,
      platformChatId,
      replyTo,
    );
    if (!announcementId) return null;
    const announcement = await this.db.announcement.findUnique({ where: { id: announcementId } });
    return announcement?.blocId === blocId ? announcement.campaignId : null;
  }

  /** Marks a chat unreachable after the platform said the bot is blocked there. */
  async markChatBlocked(platform: string, platformChatId: string): Promise<void> {
    await this.db.chat.updateMany({ where: { platform, platformChatId }, data: { active: false } });
  }

  /** Remembers the lead's live progress message, so a restart edits it instead of adding one. */
  async setProgressMessage(announcementId: number, messageId: string): Promise<void> {
    await this.db.announcement.update({
      where: { id: announcementId },
      data: { progressMessageId: messageId },
    });
  }

  /** Recent announcements whose lead has no summary yet (a process may have died first). */
  async awaitingSummary(since: Date): Promise<number[]> {
    const recent = await this.db.announcement.findMany({
      where: { createdAt: { gte: since }, leadChatId: { not: null } },
      select: { id: true },
      orderBy: { id: "desc" },
      take: 50,
    });
    if (recent.length === 0) return [];
    // A summary row has no announcementId (it is not one of its deliveries): its key says whose.
    const summarized = await this.db.delivery.findMany({
      where: { dedupeKey: { in: recent.map((a) => summaryKey(a.id)) } },
      select: { dedupeKey: true },
    });
    const done = new Set(summarized.map((d) => d.dedupeKey));
    return recent.map((a) => a.id).filter((id) => !done.has(summaryKey(id)));
  }

  /** Queues the lead's final summary once, whichever instance sees the end first. */
  async enqueueSummary(announcementId: number, text: string): Promise<void> {
    const lead = await this.leadChat(announcementId);
    if (!lead) return;
    // Two passes (or instances) may see the end at once: the second finds it queued.
    await this.outbox.enqueueOnce({
      kind: "SUMMARY",
      dedupeKey: summaryKey(announcementId),
      blocId: lead.announcement.blocId,
      platform: lead.chat.platform,
      platformChatId: lead.chat.platformChatId,
      chatKind: lead.chat.kind === "GROUP" ? "GROUP" : "PRIVATE",
      chatId: lead.chat.id,
      text,
    });
    this.nudge();
  }
}
