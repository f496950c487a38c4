import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Language } from "../../core/roles.ts";
import type { Db, Prisma } from "../../db/client.ts";
import type { DeliveryKind, Outbox } from "../../delivery/outbox.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate, Translator } from "../../i18n/translator.ts";
import { type AuditActor, memberActor, recordAudit } from "../../services/auditLog.ts";
import { deliveryTo, reachUnits } from "../../services/recipients.ts";
import { checkCommitments, checkTitles, DEFAULT_TITLES, titlesSchema } from "./titles.ts";

type Tx = Prisma.TransactionClient;

export type RegistrationState = "AWAITING" | "APPROVED" | "RETURNED";

export interface RegistrationRoundView {
  id: number;
  blocId: number;
  year: number;
  deadline: Date;
  titles: string[];
}

/** A unit's registration as the lead, the dashboard and the documents read it. */
export interface RegistrationRecord {
  id: number | null;
  unitId: number;
  unitName: string;
  /** NONE: the unit has not registered. */
  state: RegistrationState | "NONE";
  titles: string[];
  commitments: string[];
  late: boolean;
  version: number;
  submittedAt: Date | null;
  reason: string;
}

/** Before the deadline, units that have not registered hear a reminder this long before (minutes). */
export const REGISTRATION_REMINDER_SLOTS = [3 * 24 * 60, 24 * 60];

const list = (json: string) => titlesSchema.parse(JSON.parse(json));

/**
 * The year's registration (đăng ký thi đua): the lead opens it with a deadline and the
 * titles offered; each unit's focal point registers the titles it aims at and its
 * commitments, and may change them until the lead approves; the lead approves or
 * returns with a reason, as with reports. Registering after the deadline is allowed
 * and marked late.
 */
export class RegistrationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly translator: Translator,
    private readonly defaultLanguage: Language,
    private readonly nudge: () => void = () => {},
  ) {}

  /** The titles the bloc offers (its own list, or the defaults). */
  async blocTitles(blocId: number): Promise<string[]> {
    const bloc = await this.db.bloc.findUniqueOrThrow({ where: { id: blocId } });
    return bloc.registrationTitles ? list(bloc.registrationTitles) : [...DEFAULT_TITLES];
  }

  async setBlocTitles(blocId: number, titles: string[], actor: AuditActor): Promise<void> {
    const checked = checkTitles(titles);
    await this.db.$transaction(async (tx) => {
      await tx.bloc.update({
        where: { id: blocId },
        data: { registrationTitles: JSON.stringify(checked) },
      });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action: "registration_titles",
        blocId,
        details: { titles },
      });
    });
  }

  async open(
    blocId: number,
    input: { year: number; deadline: Date; titles?: string[] },
    actor: AuditActor,
  ): Promise<RegistrationRoundView> {
    const titles = checkTitles(input.titles ?? (await this.blocTitles(blocId)));
    const now = this.clock.now();
    if (input.deadline.getTime() <= now.getTime()) throw new AppError("registration_deadline_past");
    const round = await this.db.$transaction(async (tx) => {
      const existing = await tx.registrationRound.findUnique({
        where: { blocId_year: { blocId, year: input.year } },
      });
      if (existing) throw new AppError("registration_already_open", { year: input.year });
      const created = await tx.registrationRound.create({
        data: {
          blocId,
          year: input.year,
          deadline: input.deadline,
          titles: JSON.stringify(titles),
          openedAt: now,
          openedBy: actor,
        },
      });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action: "registration_open",
        blocId,
        details: { year: input.year, titles },
      });
      const bloc = await tx.bloc.findUniqueOrThrow({ where: { id: blocId } });
      await this.#tell(tx, blocId, "all", "everyone", `registration:${created.id}:open`, (t) =>
        t("registration:opened_notice", {
          year: input.year,
          deadline: formatDateTime(input.deadline, bloc.timezone),
          titles: titles.map((x, i) => `${i + 1}. ${x}`).join("\n"),
        }),
      );
      return created;
    });
    this.nudge();
    return this.#roundView(round);
  }

  #roundView(row: {
    id: number;
    blocId: number;
    year: number;
    deadline: Date;
    titles: string;
  }): RegistrationRoundView {
    return {
      id: row.id,
      blocId: row.blocId,
      year: row.year,
      deadline: row.deadline,
      titles: list(row.titles),
    };
  }

  /** The bloc's round for a year, or its latest. */
  async round(blocId: number, year?: number): Promise<RegistrationRoundView | null> {
    const row = await this.db.registrationRound.findFirst({
      where: { blocId, ...(year === undefined ? {} : { year }) },
      orderBy: { year: "desc" },
    });
    return row ? this.#roundView(row) : null;
  }

  /** Every unit of the bloc with its registration (NONE where it has not registered). */
  async records(blocId: number, year?: number): Promise<RegistrationRecord[]> {
    const round = await this.round(blocId, year);
    const units = await this.db.unit.findMany({
      where: { blocId, retiredAt: null },
      orderBy: { id: "asc" },
    });
    const rows = round ? await this.db.registration.findMany({ where: { roundId: round.id } }) : [];
    const byUnit = new Map(rows.map((r) => [r.unitId, r]));
    return units.map((u) => {
      const r = byUnit.get(u.id);
      return r
        ? {
            id: r.id,
            unitId: u.id,
            unitName: u.name,
            state: r.state as RegistrationState,
            titles: list(r.titles),
            commitments: list(r.commitments),
            late: r.late,
            version: r.version,
            submittedAt: r.submittedAt,
            reason: r.reason,
          }
        : {
            id: null,
            unitId: u.id,
            unitName: u.name,
            state: "NONE" as const,
            titles: [],
            commitments: [],
            late: false,
            version: 0,
            submittedAt: null,
            reason: "",
          };
    });
  }

  /** Units that have not registered for the bloc's latest round (none without a round). */
  async unregistered(blocId: number): Promise<{ id: number; name: string }[]> {
    if (!(await this.round(blocId))) return [];
    return (await this.records(blocId))
      .filter((r) => r.state === "NONE")
      .map((r) => ({ id: r.unitId, name: r.unitName }));
  }

  /** Units that did not register for a year; empty when the bloc opened no registration that year. */
  async unregisteredIn(blocId: number, year: number): Promise<Set<number>> {
    if (!(await this.round(blocId, year))) return new Set();
    const records = await this.records(blocId, year);
    return new Set(records.filter((r) => r.state === "NONE").map((r) => r.unitId));
  }

  /** A unit's registration, new or changed; refused once approved. */
  async register(
    blocId: number,
    who: { memberId: number; unitId: number | null },
    input: { titles: string[]; commitments: string[] },
  ): Promise<RegistrationRecord> {
    if (who.unitId === null) throw new AppError("no_unit");
    const unitId = who.unitId;
    const round = await this.round(blocId);
    if (!round) throw new AppError("registration_not_open");
    if (input.titles.length === 0 || input.titles.some((x) => !round.titles.includes(x))) {
      throw new AppError("registration_titles_invalid");
    }
    const commitments = checkCommitments(input.commitments);
    const now = this.clock.now();
    const late = now.getTime() > round.deadline.getTime();
    await this.db.$transaction(async (tx) => {
      const existing = await tx.registration.findUnique({
        where: { roundId_unitId: { roundId: round.id, unitId } },
      });
      if (existing?.state === "APPROVED") throw new AppError("registration_approved");
      const data = {
        titles: JSON.stringify(input.titles),
        commitments: JSON.stringify(commitments),
        state: "AWAITING",
        late,
        submittedAt: now,
        submittedBy: who.memberId,
        reason: "",
      };
      if (existing) {
        const changed = await tx.registration.updateMany({
          where: { id: existing.id, version: existing.version, state: { not: "APPROVED" } },
          data: { ...data, version: existing.version + 1 },
        });
        if (changed.count !== 1) throw new AppError("registration_approved");
      } else {
        await tx.registration.create({ data: { ...data, roundId: round.id, unitId } });
      }
      await recordAudit(tx, {
        at: this.clock.now(),
        actor: memberActor(who.memberId),
        action: "registration_submit",
        blocId,
        details: { roundId: round.id, unitId, late },
      });
    });
    const record = (await this.records(blocId, round.year)).find((r) => r.unitId === unitId);
    if (!record) throw new AppError("not_found");
    return record;
  }

  /** The oldest registration waiting for the lead, past `afterId` when skipping. */
  async next(blocId: number, afterId = 0): Promise<RegistrationRecord | null> {
    const round = await this.round(blocId);
    if (!round) return null;
    const waiting = (await this.records(blocId, round.year))
      .filter((r) => r.state === "AWAITING" && (r.id ?? 0) > afterId)
      .sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    return waiting[0] ?? null;
  }

  async decide(
    blocId: number,
    registrationId: number,
    version: number,
    memberId: number,
    decision: { approve: true } | { approve: false; reason: string },
  ): Promise<RegistrationRecord> {
    const reason = decision.approve ? "" : decision.reason.trim().slice(0, 1000);
    if (!decision.approve && !reason) throw new AppError("reason_required");
    const now = this.clock.now();
    const unitId = await this.db.$transaction(async (tx) => {
      const row = await tx.registration.findUnique({ where: { id: registrationId } });
      const round = row
        ? await tx.registrationRound.findUnique({ where: { id: row.roundId } })
        : null;
      if (!row || round?.blocId !== blocId) throw new AppError("not_found");
      const state = decision.approve ? "APPROVED" : "RETURNED";
      const changed = await tx.registration.updateMany({
        where: { id: registrationId, version, state: "AWAITING" },
        data: { state, decidedAt: now, decidedBy: memberId, reason },
      });
      if (changed.count !== 1) throw new AppError("review_changed");
      await recordAudit(tx, {
        at: this.clock.now(),
        actor: memberActor(memberId),
        action: decision.approve ? "registration_approve" : "registration_return",
        blocId,
        details: { registrationId, version, reason },
      });
      const unit = await tx.unit.findUniqueOrThrow({ where: { id: row.unitId } });
      await this.#tell(
        tx,
        blocId,
        [row.unitId],
        "focal",
        `registration:${registrationId}:${version}:${state}`,
        (t) =>
          decision.approve
            ? t("registration:approved_notice", { unit: unit.name, year: round.year })
            : t("registration:returned_notice", { unit: unit.name, year: round.year, reason }),
        "REVIEW",
      );
      return row.unitId;
    });
    this.nudge();
    const record = (await this.records(blocId)).find((r) => r.unitId === unitId);
    if (!record) throw new AppError("not_found");
    return record;
  }

  /** Units yet to register are reminded 3 days and 1 day before the deadline. */
  async tick(): Promise<number> {
    const now = this.clock.now();
    const rounds = await this.db.registrationRound.findMany({
      where: { deadline: { gt: now } },
    });
    let reminded = 0;
    for (const round of rounds) {
      const left = (round.deadline.getTime() - now.getTime()) / 60_000;
      const slot = REGISTRATION_REMINDER_SLOTS.filter((s) => left <= s).at(-1);
      if (slot === undefined) continue;
      if (round.lastReminderSlot !== null && round.lastReminderSlot <= slot) continue;
      const missing = (await this.unregistered(round.blocId)).map((u) => u.id);
      await this.db.$transaction(async (tx) => {
        const bloc = await tx.bloc.findUniqueOrThrow({ where: { id: round.blocId } });
        if (missing.length) {
          await this.#tell(
            tx,
            round.blocId,
            missing,
            "focal",
            `registration:${round.id}:remind:${slot}`,
            (t) =>
              t("registration:reminder", {
                year: round.year,
                deadline: formatDateTime(round.deadline, bloc.timezone),
              }),
            "REMINDER",
          );
        }
        await tx.registrationRound.update({
          where: { id: round.id },
          data: { lastReminderSlot: slot },
        });
      });
      reminded += missing.length;
    }
    if (reminded) this.nudge();
    return reminded;
  }

  async #tell(
    tx: Tx,
    blocId: number,
    units: number[] | "all",
    circle: "everyone" | "focal",
    key: string,
    text: (t: Translate) => string,
    kind: DeliveryKind = "ANNOUNCEMENT",
  ): Promise<void> {
    const { recipients } = await reachUnits(tx, blocId, units, circle, this.defaultLanguage);
    await this.outbox.enqueue(
      recipients.map((r) =>
        deliveryTo(r, { kind, key, blocId, text: text(this.translator.for(r.language)) }),
      ),
      tx,
    );
  }
}
