import { z } from "zod";
import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import { isTimeZone } from "../../core/timeZone.ts";
import type { Db } from "../../db/client.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { type AuditActor, recordAudit } from "../../services/auditLog.ts";

const nameSchema = z.string().trim().min(2).max(200);

/** A bloc or unit name, trimmed; a clear refusal when too short or too long. */
export function validName(input: string): string {
  const parsed = nameSchema.safeParse(input);
  if (!parsed.success) throw new AppError("name_invalid");
  return parsed.data;
}

/** Blocs and their units: what the operator sets up and the lead reads. */
export class BlocService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async createBloc(name: string, timezone: string, actor: AuditActor) {
    if (!isTimeZone(timezone)) throw new AppError("bad_timezone", { timezone });
    const bloc = await this.#unique(() =>
      this.db.bloc.create({ data: { name: validName(name), timezone } }),
    );
    await recordAudit(this.db, {
      at: this.clock.now(),
      actor,
      action: "bloc.create",
      blocId: bloc.id,
      details: { name },
    });
    return bloc;
  }

  listBlocs() {
    return this.db.bloc.findMany({
      orderBy: { id: "asc" },
      include: { _count: { select: { units: true, members: true } } },
    });
  }

  async getBloc(blocId: number) {
    const bloc = await this.db.bloc.findUnique({ where: { id: blocId } });
    if (!bloc) throw new AppError("not_found");
    return bloc;
  }

  async addUnit(blocId: number, name: string, actor: AuditActor) {
    await this.getBloc(blocId);
    const wanted = validName(name);
    const taken = await this.db.unit.findFirst({ where: { blocId, name: wanted } });
    if (taken) throw new AppError("unit_name_taken", { name: wanted });
    const unit = await this.#unique(() => this.db.unit.create({ data: { blocId, name: wanted } }));
    await recordAudit(this.db, {
      at: this.clock.now(),
      actor,
      action: "unit.add",
      blocId,
      details: { unitId: unit.id, name },
    });
    return unit;
  }

  /** `blocId` given: the unit must be that bloc's (a lead's request), else not_found. */
  async renameUnit(unitId: number, name: string, actor: AuditActor, blocId?: number) {
    const unit = await this.unitOf(blocId, unitId);
    const wanted = validName(name);
    if (wanted === unit.name) throw new AppError("unit_name_unchanged", { name: wanted });
    // Told by name, not by a database error: "Phòng A" already in the bloc, even retired.
    const taken = await this.db.unit.findFirst({
      where: { blocId: unit.blocId, name: wanted, id: { not: unitId } },
    });
    if (taken) throw new AppError("unit_name_taken", { name: wanted });
    const renamed = await this.#unique(() =>
      this.db.unit.update({ where: { id: unitId }, data: { name: validName(name) } }),
    );
    await recordAudit(this.db, {
      at: this.clock.now(),
      actor,
      action: "unit.rename",
      blocId: unit.blocId,
      details: { unitId, from: unit.name, to: renamed.name },
    });
    return renamed;
  }

  /**
   * Retires a unit: its reports stay (history, exports), reminders and announcements
   * leave it, and its live invite codes are revoked so nobody joins a unit that is gone.
   */
  async retireUnit(blocId: number, unitId: number, actor: AuditActor) {
    const unit = await this.unitOf(blocId, unitId);
    if (unit.retiredAt) throw new AppError("unit_already_retired", { name: unit.name });
    return this.db.$transaction(async (tx) => {
      // Conditional: two leads retiring at once write one audit line.
      const now = this.clock.now();
      const changed = await tx.unit.updateMany({
        where: { id: unitId, retiredAt: null },
        data: { retiredAt: now },
      });
      if (changed.count !== 1) throw new AppError("unit_already_retired", { name: unit.name });
      const revoked = await tx.inviteCode.updateMany({
        where: { unitId, revokedAt: null },
        data: { revokedAt: now },
      });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action: "unit.retire",
        blocId: unit.blocId,
        details: { unitId, name: unit.name, revokedCodes: revoked.count },
      });
      return { ...unit, retiredAt: now, revokedCodes: revoked.count };
    });
  }

  /** The units still taking part: what reminders, invites and audiences offer. */
  listUnits(blocId: number) {
    return this.db.unit.findMany({ where: { blocId, retiredAt: null }, orderBy: { id: "asc" } });
  }

  /** Every unit ever in the bloc, retired ones too (history, the operator's list). */
  allUnits(blocId: number) {
    return this.db.unit.findMany({ where: { blocId }, orderBy: { id: "asc" } });
  }

  /** The unit, when it is this bloc's (`blocId` given) or any (the operator). */
  async unitOf(blocId: number | undefined, unitId: number) {
    const unit = await this.db.unit.findUnique({ where: { id: unitId } });
    if (!unit || (blocId !== undefined && unit.blocId !== blocId)) throw new AppError("not_found");
    return unit;
  }

  listMembers(blocId: number) {
    return this.db.member.findMany({
      where: { blocId, removedAt: null },
      include: { unit: true, accounts: { select: { platform: true } } },
      orderBy: [{ unitId: "asc" }, { id: "asc" }],
    });
  }

  /** A duplicate name becomes a clear refusal instead of a database error. */
  async #unique<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError("name_taken");
      throw error;
    }
  }
}
