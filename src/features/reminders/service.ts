import type { Clock } from "../../core/clock.ts";
import { HOUR } from "../../core/clock.ts";
import type { Language } from "../../core/roles.ts";
import { inSlices } from "../../db/chunks.ts";
import type { Db, Prisma } from "../../db/client.ts";
import { isWriteConflict } from "../../db/errors.ts";
import { insertRows } from "../../db/insertRows.ts";
import type { DeliveryKind, NewDelivery, Outbox } from "../../delivery/outbox.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { formatDuration } from "../../i18n/duration.ts";
import type { Translate, Translator } from "../../i18n/translator.ts";
import { countedUnits } from "../../services/activeUnits.ts";
import { leadPrivateChats } from "../../services/leadChats.ts";
import { deliveryTo, type Recipient, reachUnits } from "../../services/recipients.ts";
import { parseOffsets } from "./offsets.ts";
import { isDueNow, scheduleReminder, type WorkingTime } from "./workingTime.ts";

/** Stands for the unit's name in a message made once for every unit. */
const UNIT_PLACEHOLDER = "\u0000unit\u0000";

export interface ReminderSettings {
  quietStart: number;
  quietEnd: number;
  holidays: ReadonlySet<string>;
  defaultLanguage: Language;
}

/** Reminder offsets may not reach further back than this, so a tick's window is bounded. */
export const MAX_OFFSET_MINUTES = 30 * 24 * 60;

/** A lead's private chat, where summaries go. */
interface LeadChat {
  platform: string;
  platformChatId: string;
  chatKind: "PRIVATE" | "GROUP";
  chatId: number;
  language: Language;
}

type DeadlineRow = Prisma.DeadlineGetPayload<{
  include: { campaign: { include: { bloc: true } } };
}>;

/** What a round of reminders reached: units and messages queued, units nobody hears. */
export interface Reminded {
  units: number;
  messages: number;
  unreachable: string[];
}

export interface TickResult {
  remindedUnits: number;
  overdueUnits: number;
  summaries: number;
}

/**
 * Decides reminders from the database, so a restart or a missed tick never loses
 * or doubles one: each (deadline, unit, slot) is a unique mark written in the same
 * transaction as its deliveries. After downtime only the latest due slot is sent.
 */
export class ReminderService {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly translator: Translator,
    private readonly settings: ReminderSettings,
    private readonly nudge: () => void = () => {},
  ) {}

  workingTime(timezone: string): WorkingTime {
    return { timezone, ...this.settings };
  }

  async tick(): Promise<TickResult> {
    const now = this.clock.now();
    const result: TickResult = { remindedUnits: 0, overdueUnits: 0, summaries: 0 };
    const upcoming = await this.db.deadline.findMany({
      where: {
        dueAt: { gt: now, lte: new Date(now.getTime() + MAX_OFFSET_MINUTES * 60_000) },
        campaign: { status: "ACTIVE" },
      },
      include: { campaign: { include: { bloc: true } } },
    });
    for (const deadline of upcoming) {
      const slot = this.latestDueSlot(deadline, now);
      if (
        slot === null ||
        (deadline.lastReminderSlot !== null && deadline.lastReminderSlot <= slot)
      )
        continue;
      const reminded = await this.#remindMissing(
        deadline,
        `before:${slot}${dueTag(deadline)}`,
        "REMINDER",
        (t, unit) =>
          t("reminders:before", {
            campaign: deadline.campaign.title,
            unit,
            date: formatDateTime(deadline.dueAt, deadline.campaign.bloc.timezone),
            left: formatDuration(deadline.dueAt.getTime() - now.getTime(), t),
            hashtag: deadline.campaign.hashtag
              ? t("reminders:hashtag_hint", { hashtag: deadline.campaign.hashtag })
              : "",
          }),
      );
      result.remindedUnits += reminded.units;
      await this.db.deadline.update({
        where: { id: deadline.id },
        data: { lastReminderSlot: slot },
      });
    }

    const passed = await this.db.deadline.findMany({
      where: { overdueHandled: false, dueAt: { lte: now }, campaign: { status: "ACTIVE" } },
      include: { campaign: { include: { bloc: true } } },
    });
    for (const deadline of passed) {
      const working = this.workingTime(deadline.campaign.bloc.timezone);
      if (!isDueNow(scheduleReminder(deadline.dueAt, null, working), now, null, working)) continue;
      const overdue = await this.#remindMissing(
        deadline,
        `overdue${dueTag(deadline)}`,
        "OVERDUE",
        (t, unit) =>
          t("reminders:overdue", {
            campaign: deadline.campaign.title,
            unit,
            date: formatDateTime(deadline.dueAt, deadline.campaign.bloc.timezone),
          }),
      );
      result.overdueUnits += overdue.units;
      result.summaries += await this.#summarize(deadline);
      await this.db.deadline.update({ where: { id: deadline.id }, data: { overdueHandled: true } });
    }
    if (result.remindedUnits + result.overdueUnits + result.summaries > 0) this.nudge();
    return result;
  }

  /**
   * The offset (minutes) whose reminder is due now, the latest one only; null when none
   * is. One whose moment passed unsent waits for a working moment (isDueNow).
   */
  latestDueSlot(deadline: DeadlineRow, now: Date): number | null {
    const offsets =
      parseOffsets(
        deadline.reminderOffsets ??
          deadline.campaign.reminderOffsets ??
          deadline.campaign.bloc.reminderOffsets,
      ) ?? [];
    const working = this.workingTime(deadline.campaign.bloc.timezone);
    let due: number | null = null;
    for (const offset of offsets) {
      const planned = new Date(deadline.dueAt.getTime() - offset * 60_000);
      const sendAt = scheduleReminder(planned, deadline.dueAt, working);
      if (isDueNow(sendAt, now, deadline.dueAt, working)) due = offset;
    }
    return due;
  }

  /**
   * /remind: pings the units missing a report for the campaign's current deadline
   * now, at most once an hour per unit. Answers who was pinged and who was skipped.
   */
  async remindNow(deadlineId: number): Promise<Reminded & { skipped: number }> {
    const deadline = await this.db.deadline.findUniqueOrThrow({
      where: { id: deadlineId },
      include: { campaign: { include: { bloc: true } } },
    });
    const now = this.clock.now();
    const recent = await this.db.reminderMark.findMany({
      where: {
        key: { startsWith: `manual:${deadlineId}:` },
        createdAt: { gt: new Date(now.getTime() - HOUR) },
      },
      select: { key: true },
    });
    const recentUnits = new Set(recent.map((m) => Number(m.key.split(":")[2])));
    const missing = await this.#missingUnits(deadline);
    const skipped = missing.filter((u) => recentUnits.has(u.id)).length;
    const reminded = await this.#remindMissing(
      deadline,
      `manual-${now.getTime()}`,
      "REMINDER",
      (t, unit) =>
        t("reminders:manual", {
          campaign: deadline.campaign.title,
          unit,
          date: formatDateTime(deadline.dueAt, deadline.campaign.bloc.timezone),
        }),
      (unitId) => !recentUnits.has(unitId),
      (unitId) => `manual:${deadlineId}:${unitId}:${now.getTime()}`,
    );
    if (reminded.messages > 0) this.nudge();
    return { ...reminded, skipped };
  }

  async #missingUnits(deadline: DeadlineRow) {
    const [units, reports] = await Promise.all([
      this.db.unit.findMany({
        where: { blocId: deadline.campaign.blocId, retiredAt: null },
        orderBy: { id: "asc" },
      }),
      this.db.report.findMany({ where: { deadlineId: deadline.id }, select: { unitId: true } }),
    ]);
    const reported = new Set(reports.map((r) => r.unitId));
    return units.filter((u) => !reported.has(u.id));
  }

  async #remindMissing(
    deadline: DeadlineRow,
    slot: string,
    kind: DeliveryKind,
    text: (t: Translate, unitName: string) => string,
    include: (unitId: number) => boolean = () => true,
    markKey: (unitId: number) => string = (unitId) => `r:${deadline.id}:${unitId}:${slot}`,
  ): Promise<Reminded> {
    const missing = (await this.#missingUnits(deadline)).filter((u) => include(u.id));
    if (missing.length === 0) return { units: 0, messages: 0, unreachable: [] };
    const { recipients, unreachable } = await reachUnits(
      this.db,
      deadline.campaign.blocId,
      missing.map((u) => u.id),
      "focal",
      this.settings.defaultLanguage,
    );
    const byUnit = new Map<number | null, Recipient[]>();
    for (const r of recipients) {
      const list = byUnit.get(r.unitId);
      if (list) list.push(r);
      else byUnit.set(r.unitId, [r]);
    }
    // The message differs between units by the unit's name only: made once per
    // language with a placeholder, not once per recipient (5,000 units: 5,000 × i18n).
    const templates = new Map<string, string>();
    const textFor = (language: Language, unitName: string) => {
      let template = templates.get(language);
      if (template === undefined) {
        template = text(this.translator.for(language), UNIT_PLACEHOLDER);
        templates.set(language, template);
      }
      return template.split(UNIT_PLACEHOLDER).join(unitName);
    };
    const deliveriesFor = (unit: { id: number; name: string }, key: string): NewDelivery[] =>
      (byUnit.get(unit.id) ?? []).map((r) =>
        deliveryTo(r, {
          kind,
          key,
          blocId: deadline.campaign.blocId,
          text: textFor(r.language, unit.name),
        }),
      );
    const written = await this.#writeOnce(
      missing.map((unit) => ({
        key: markKey(unit.id),
        deliveries: deliveriesFor(unit, markKey(unit.id)),
      })),
    );
    return { ...written, unreachable: unreachable.map((u) => u.name) };
  }

  /**
   * Writes marks and their deliveries in one transaction, skipping marks that exist.
   * Two schedulers racing: the loser's transaction fails (unique mark, or SQLite's
   * stale snapshot) and is run again, and then finds everything decided.
   */
  async #writeOnce(
    items: { key: string; deliveries: NewDelivery[] }[],
  ): Promise<{ units: number; messages: number }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.$transaction(async (tx) => {
          const existing = new Set(
            (
              await inSlices(
                items.map((i) => i.key),
                (keys) =>
                  tx.reminderMark.findMany({ where: { key: { in: keys } }, select: { key: true } }),
              )
            ).map((m) => m.key),
          );
          // A unit nobody can be reached in gets no mark: it was not reminded, and
          // may be once someone of theirs joins.
          const fresh = items.filter((i) => !existing.has(i.key) && i.deliveries.length > 0);
          if (fresh.length === 0) return { units: 0, messages: 0 };
          const now = this.clock.now();
          await insertRows(
            tx,
            "ReminderMark",
            ["key", "createdAt"],
            fresh.map((i) => ({ key: i.key, createdAt: now })),
          );
          await this.outbox.enqueue(
            fresh.flatMap((i) => i.deliveries),
            tx,
          );
          return {
            units: fresh.length,
            messages: fresh.reduce((n, i) => n + i.deliveries.length, 0),
          };
        });
      } catch (error) {
        if (!isWriteConflict(error) || attempt >= 4) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
      }
    }
  }

  /** The lead's one summary when a deadline passes, and the closing one after the last. */
  async #summarize(deadline: DeadlineRow): Promise<number> {
    const blocId = deadline.campaign.blocId;
    const [allUnits, reports, leads, lastDeadline] = await Promise.all([
      this.db.unit.findMany({ where: { blocId }, orderBy: { id: "asc" } }),
      this.db.report.findMany({ where: { deadlineId: deadline.id } }),
      this.#leadRecipients(blocId),
      this.db.deadline.findFirst({
        where: { campaignId: deadline.campaignId },
        orderBy: { dueAt: "desc" },
      }),
    ]);
    const reported = new Set(reports.map((r) => r.unitId));
    const units = countedUnits(allUnits, reported);
    const tz = deadline.campaign.bloc.timezone;
    const summaryFor = (t: Translate) => {
      const missing = units.filter((u) => !reported.has(u.id)).map((u) => u.name);
      return [
        t("reminders:summary", {
          campaign: deadline.campaign.title,
          date: formatDateTime(deadline.dueAt, tz),
          reported: reported.size,
          units: units.length,
          onTime: reports.filter((r) => !r.late).length,
          late: reports.filter((r) => r.late).length,
        }),
        missing.length
          ? t("reminders:summary_missing", { units: missing.join(", ") })
          : t("reminders:summary_all"),
      ].join("\n");
    };
    const items = [{ key: `s:${deadline.id}${dueTag(deadline)}`, text: summaryFor }];
    if (lastDeadline?.id === deadline.id) {
      items.push({
        key: `c:${deadline.campaignId}`,
        text: (t: Translate) =>
          t("reminders:closing", { campaign: deadline.campaign.title, id: deadline.campaignId }),
      });
    }
    const written = await this.#writeOnce(
      items.map((item) => ({
        key: item.key,
        deliveries: leads.map((r) =>
          deliveryTo(r, {
            kind: "SUMMARY",
            key: item.key,
            blocId,
            text: item.text(this.translator.for(r.language)),
          }),
        ),
      })),
    );
    return written.units;
  }

  async #leadRecipients(blocId: number): Promise<LeadChat[]> {
    return (await leadPrivateChats(this.db, blocId)).map(({ chat, lead }) => ({
      ...pick(chat),
      chatKind: "PRIVATE",
      language: (lead?.language ?? "vi") as Language,
    }));
  }

  async setMuted(memberId: number, muted: boolean): Promise<void> {
    await this.db.member.update({ where: { id: memberId }, data: { remindersMuted: muted } });
  }

  /** The bloc's default schedule and the campaigns (not closed) that have their own. */
  async schedule(
    blocId: number,
  ): Promise<{ bloc: number[]; campaigns: { id: number; title: string; offsets: number[] }[] }> {
    const bloc = await this.db.bloc.findUniqueOrThrow({
      where: { id: blocId },
      select: {
        reminderOffsets: true,
        campaigns: {
          where: { status: { not: "CLOSED" }, reminderOffsets: { not: null } },
          select: { id: true, title: true, reminderOffsets: true },
          orderBy: { id: "asc" },
        },
      },
    });
    return {
      bloc: parseOffsets(bloc.reminderOffsets) ?? [],
      campaigns: bloc.campaigns.map((c) => ({
        id: c.id,
        title: c.title,
        offsets: parseOffsets(c.reminderOffsets ?? "") ?? [],
      })),
    };
  }

  /** The bloc's default schedule, for campaigns and deadlines without their own. */
  async setBlocOffsets(blocId: number, offsets: number[]): Promise<void> {
    await this.db.bloc.update({
      where: { id: blocId },
      data: { reminderOffsets: offsets.join(",") },
    });
    await this.db.deadline.updateMany({
      where: { campaign: { blocId } },
      data: { lastReminderSlot: null },
    });
  }

  /** One deadline's own schedule (the operator's: `npm run admin -- reminders --deadline`). */
  async setDeadlineOffsets(deadlineId: number, offsets: number[]): Promise<{ blocId: number }> {
    const deadline = await this.db.deadline.update({
      where: { id: deadlineId },
      data: { reminderOffsets: offsets.join(","), lastReminderSlot: null },
      include: { campaign: true },
    });
    return { blocId: deadline.campaign.blocId };
  }

  async setCampaignOffsets(blocId: number, campaignId: number, offsets: number[]): Promise<void> {
    await this.db.campaign.updateMany({
      where: { id: campaignId, blocId },
      data: { reminderOffsets: offsets.join(",") },
    });
    // A changed schedule starts over: the next due slot of the new list is sent.
    await this.db.deadline.updateMany({ where: { campaignId }, data: { lastReminderSlot: null } });
  }
}

/**
 * A deadline's marks name its time: moved (gia hạn), its reminders, overdue notice and
 * summary are decided again for the new time, not taken as already sent.
 */
const dueTag = (deadline: { dueAt: Date }) => `@${deadline.dueAt.getTime()}`;

const pick = (chat: { platform: string; platformChatId: string; id: number }) => ({
  platform: chat.platform,
  platformChatId: chat.platformChatId,
  chatId: chat.id,
});
