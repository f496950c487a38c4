import { z } from "zod";
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
  constructor(private readonly db: Db) {}

  async createBloc(name: string, timezone: string, actor: AuditActor) {
    if (!isTimeZone(timezone)) throw new AppError("bad_timezone", { timezone });
    const bloc = await this.#unique(() =>
      this.db.bloc.create({ data: { name: validName(name), timezone } }),
    );
    await recordAudit(this.db, {
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
    const unit = await this.#unique(() =>
      this.db.unit.create({ data: { blocId, name: validName(name) } }),
    );
    await recordAudit(this.db, {
      actor,
      action: "unit.add",
      blocId,
      details: { unitId: unit.id, name },
    });
    return unit;
  }

  async renameUnit(unitId: number, name: string, actor: AuditActor) {
    const unit = await this.db.unit.findUnique({ where: { id: unitId } });
    if (!unit) throw new AppError("not_found");
    const renamed = await this.#unique(() =>
      this.db.unit.update({ where: { id: unitId }, data: { name: validName(name) } }),
    );
    await recordAudit(this.db, {
      actor,
      action: "unit.rename",
      blocId: unit.blocId,
      details: { unitId, from: unit.name, to: renamed.name },
    });
    return renamed;
  }

  listUnits(blocId: number) {
    return this.db.unit.findMany({ where: { blocId }, orderBy: { id: "asc" } });
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
