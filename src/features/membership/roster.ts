import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import { type Language, type Role, roleNeedsUnit } from "../../core/roles.ts";
import type { Db, Prisma } from "../../db/client.ts";
import type { Outbox } from "../../delivery/outbox.ts";
import type { Translate } from "../../i18n/translator.ts";
import { type AuditActor, recordAudit } from "../../services/auditLog.ts";

type Tx = Prisma.TransactionClient;

/** How a member hears of a change made to them (their role). */
export interface RosterNotices {
  outbox: Outbox;
  translate(language: Language): Translate;
  nudge(): void;
}

/** A live invite code the member joined through: removal offers to revoke it. */
export interface UsedCode {
  id: number;
  role: string;
  unitName: string | null;
  uses: number;
  maxUses: number;
}

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
    private readonly notices: RosterNotices,
  ) {}

  /**
   * The codes still open that this member joined or linked a group with: the unit's
   * shared code stays in their hands after a removal.
   */
  async usedCodes(blocId: number, memberId: number): Promise<UsedCode[]> {
    const events = await this.db.auditEvent.findMany({
      where: { blocId, actor: `member:${memberId}`, action: { in: ["member.join", "chat.link"] } },
      select: { details: true },
    });
    const ids = new Set<number>();
    for (const event of events) {
      const inviteId = (JSON.parse(event.details) as { inviteId?: unknown }).inviteId;
      if (typeof inviteId === "number") ids.add(inviteId);
    }
    if (ids.size === 0) return [];
    const invites = await this.db.inviteCode.findMany({
      where: { blocId, id: { in: [...ids] }, revokedAt: null, expiresAt: { gt: this.clock.now() } },
      include: { unit: true },
      orderBy: { id: "asc" },
    });
    // A used-up code lets nobody in: only those with a use left are worth revoking.
    return invites
      .filter((i) => i.uses < i.maxUses)
      .map((i) => ({
        id: i.id,
        role: i.role,
        unitName: i.unit?.name ?? null,
        uses: i.uses,
        maxUses: i.maxUses,
      }));
  }

  async get(blocId: number, memberId: number) {
    const member = await this.db.member.findFirst({
      where: { id: memberId, blocId, removedAt: null },
      include: { unit: true, accounts: { select: { platform: true, platformUserId: true } } },
    });
    if (!member) throw new AppError("not_found");
    return member;
  }

  /** `revokeCodes`: also revoke the open codes they used (see usedCodes); answers how many. */
  async remove(
    blocId: number,
    memberId: number,
    actor: AuditActor,
    options: { revokeCodes?: boolean } = {},
  ): Promise<{ revokedCodes: number }> {
    const codes = options.revokeCodes ? await this.usedCodes(blocId, memberId) : [];
    return this.db.$transaction(async (tx) => {
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
      // Remembered so that a code issued before today does not let them straight back in.
      for (const account of member.accounts) {
        await tx.formerAccount.create({
          data: { memberId, blocId, ...account, removedAt: now },
        });
      }
      const revoked = await tx.inviteCode.updateMany({
        where: { id: { in: codes.map((c) => c.id) }, blocId, revokedAt: null },
        data: { revokedAt: now },
      });
      await tx.account.deleteMany({ where: { memberId } });
      await tx.webSession.deleteMany({ where: { memberId } });
      await tx.member.update({ where: { id: memberId }, data: { removedAt: now } });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action: "member.remove",
        blocId,
        details: {
          memberId,
          name: member.displayName,
          role: member.role,
          unitId: member.unitId,
          accounts: member.accounts,
          revokedCodes: codes.map((c) => c.id),
        },
      });
      return { revokedCodes: revoked.count };
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
        at: this.clock.now(),
        actor,
        action: "member.role",
        blocId,
        details: { memberId, from: member.role, to: role },
      });
      await this.#tellRole(tx, member, role);
    });
    this.notices.nudge();
  }

  /** The member hears of their new role in their own language, where they chose to. */
  async #tellRole(
    tx: Tx,
    member: {
      id: number;
      blocId: number;
      language: string;
      notifyVia: string;
      accounts: { platform: string; platformUserId: string }[];
    },
    role: Role,
  ) {
    const accounts = member.accounts.filter(
      (a) => member.notifyVia === "both" || member.notifyVia === a.platform,
    );
    if (accounts.length === 0) return;
    const chats = await tx.chat.findMany({
      where: {
        kind: "PRIVATE",
        active: true,
        OR: accounts.map((a) => ({ platform: a.platform, platformChatId: a.platformUserId })),
      },
      include: { bloc: true },
    });
    const t = this.notices.translate(member.language === "en" ? "en" : "vi");
    const at = this.clock.now().getTime();
    await this.notices.outbox.enqueue(
      chats.map((chat) => ({
        kind: "ALERT" as const,
        dedupeKey: `role:${member.id}:${role}:${at}:chat:${chat.id}`,
        blocId: member.blocId,
        platform: chat.platform,
        platformChatId: chat.platformChatId,
        chatKind: "PRIVATE" as const,
        chatId: chat.id,
        text: t("membership:your_role_changed", {
          role: t(`common:role.${role}`),
          bloc: chat.bloc?.name ?? "",
          help: t(`membership:role_help.${role}`),
        }),
      })),
      tx,
    );
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
