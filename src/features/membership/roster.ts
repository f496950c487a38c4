import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import { type Role, roleNeedsUnit } from "../../core/roles.ts";
import type { Db, Prisma } from "../../db/client.ts";
import { type AuditActor, recordAudit } from "../../services/auditLog.ts";

type Tx = Prisma.TransactionClient;

/**
 * The lead's housekeeping of who is in the bloc: remove a member, change a role.
 * A removed member's reports stay (they are the unit's); their accounts go, so the
 * bot no longer knows them, nothing queued reaches their chats any more, and their
 * dashboard sessions end (a role change ends them too).
 */
export class RosterService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async get(blocId: number, memberId: number) {
    const member = await this.db.member.findFirst({
      where: { id: memberId, blocId, removedAt: null },
      include: { unit: true, accounts: { select: { platform: true, platformUserId: true } } },
    });
    if (!member) throw new AppError("not_found");
    return member;
  }

  async remove(blocId: number, memberId: number, actor: AuditActor): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const member = await this.#current(tx, blocId, memberId);
      if (member.role === "LEAD") await this.#keepALead(tx, blocId, memberId);
      const now = this.clock.now();
      for (const account of member.accounts) {
        // What was queued for them stops now; what a group gets is the unit's, and stays.
        await tx.delivery.updateMany({
          where: {
            platform: account.platform,
            platformChatId: account.platformUserId,
            chatKind: "PRIVATE",
            status: { in: ["PENDING", "SENDING"] },
          },
          data: { status: "FAILED", lastError: "member removed", lockedBy: null },
        });
        await tx.conversationState.deleteMany({
          where: {
            key: { startsWith: `${account.platform}:`, endsWith: `:${account.platformUserId}` },
          },
        });
      }
      await tx.account.deleteMany({ where: { memberId } });
      await tx.webSession.deleteMany({ where: { memberId } });
      await tx.member.update({ where: { id: memberId }, data: { removedAt: now } });
      await recordAudit(tx, {
        actor,
        action: "member.remove",
        blocId,
        details: {
          memberId,
          name: member.displayName,
          role: member.role,
          unitId: member.unitId,
          accounts: member.accounts,
        },
      });
    });
  }

  async changeRole(blocId: number, memberId: number, role: Role, actor: AuditActor) {
    await this.db.$transaction(async (tx) => {
      const member = await this.#current(tx, blocId, memberId);
      if (member.role === role) throw new AppError("role_unchanged");
      if (roleNeedsUnit(role) && member.unitId === null) throw new AppError("role_needs_unit");
      if (member.role === "LEAD") await this.#keepALead(tx, blocId, memberId);
      await tx.member.update({ where: { id: memberId }, data: { role } });
      // What a browser may see follows the role: it signs in again with /web.
      await tx.webSession.deleteMany({ where: { memberId } });
      await recordAudit(tx, {
        actor,
        action: "member.role",
        blocId,
        details: { memberId, from: member.role, to: role },
      });
    });
  }

  async #current(tx: Tx, blocId: number, memberId: number) {
    const member = await tx.member.findFirst({
      where: { id: memberId, blocId, removedAt: null },
      include: { accounts: { select: { platform: true, platformUserId: true } } },
    });
    if (!member) throw new AppError("not_found");
    return member;
  }

  /** A bloc never loses its last lead: nobody could run it from chat any more. */
  async #keepALead(tx: Tx, blocId: number, memberId: number): Promise<void> {
    const others = await tx.member.count({
      where: { blocId, role: "LEAD", removedAt: null, id: { not: memberId } },
    });
    if (others === 0) throw new AppError("last_lead");
  }
}
