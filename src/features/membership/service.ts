import type { Clock } from "../../core/clock.ts";
import { DAY, MINUTE } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { ChatRef, Sender } from "../../core/inbound.ts";
import type { Language, Role } from "../../core/roles.ts";
import { roleNeedsUnit } from "../../core/roles.ts";
import type { Db } from "../../db/client.ts";
import { type AuditActor, memberActor, recordAudit } from "../../services/auditLog.ts";
import { leadPrivateChats } from "../../services/leadChats.ts";
import { CodeTries } from "./codeTries.ts";
import {
  generateInviteCode,
  hashInviteCode,
  legacyInviteHash,
  normalizeInviteCode,
} from "./inviteCode.ts";
import { linkChat } from "./linkChat.ts";
import { type RefusedRejoin, refuseRemoved } from "./rejoin.ts";

const LINK_CODE_MINUTES = 15;

/** The limits on codes, the server's key for their hashes, and who hears of a refusal. */
export interface MembershipLimits {
  maxFailedTries: number;
  tryWindowMinutes: number;
  defaultInviteDays: number;
  /** Wrong codes allowed across every chat within the window (guessing from many chats). */
  maxFailedTriesOverall: number;
  /** The server's key for code hashes. */
  codeKey: Uint8Array;
  /** Told once when the overall limit trips (the leads hear of it). */
  onFlood?: (windowMinutes: number) => Promise<void>;
  /** A removed member tried a code issued before the removal: the bloc's leads hear of it. */
  onRejoinRefused?: (refused: RefusedRejoin) => Promise<void>;
}

export interface IssueInviteInput {
  blocId: number;
  unitId: number | null;
  role: Role;
  days?: number;
  maxUses?: number;
  issuer: AuditActor;
}

export interface IssuedInvite {
  id: number;
  /** The only time the plain code exists: it is stored as a hash. */
  code: string;
  role: Role;
  blocName: string;
  unitName: string | null;
  expiresAt: Date;
  maxUses: number;
}

export interface JoinResult {
  memberId: number;
  role: Role;
  blocId: number;
  blocName: string;
  /** The bloc's time zone, to show its deadlines to the newcomer. */
  timezone: string;
  unitId: number | null;
  unitName: string | null;
  /** True when an existing member linked a group chat rather than joining. */
  linkedGroup: boolean;
  /** Set when the group is linked elsewhere and the lead must confirm the move. */
  moveFrom?: string;
}

export class MembershipService {
  readonly #tries: CodeTries;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly limits: MembershipLimits,
  ) {
    this.#tries = new CodeTries(db, limits);
  }

  async issueInvite(input: IssueInviteInput): Promise<IssuedInvite> {
    const bloc = await this.db.bloc.findUnique({ where: { id: input.blocId } });
    if (!bloc) throw new AppError("not_found");
    const unit =
      input.unitId === null
        ? null
        : await this.db.unit.findFirst({ where: { id: input.unitId, blocId: bloc.id } });
    if (input.unitId !== null && !unit) throw new AppError("not_found");
    if (roleNeedsUnit(input.role) && !unit) throw new AppError("bad_arguments");
    if (input.role === "LEAD" && input.issuer !== "operator") {
      // A LEAD code from chat needs a lead of the same bloc behind it.
      const issuerId = Number(input.issuer.replace("member:", ""));
      const issuer = await this.db.member.findUnique({ where: { id: issuerId } });
      if (issuer?.role !== "LEAD" || issuer.blocId !== bloc.id) throw new AppError("forbidden");
    }
    const days = input.days ?? this.limits.defaultInviteDays;
    const maxUses = input.maxUses ?? (input.role === "LEAD" ? 1 : 20);
    const code = generateInviteCode();
    const expiresAt = new Date(this.clock.now().getTime() + days * DAY);
    const row = await this.db.inviteCode.create({
      data: {
        codeHash: hashInviteCode(code, this.limits.codeKey),
        blocId: bloc.id,
        unitId: unit?.id ?? null,
        role: input.role,
        expiresAt,
        maxUses,
        createdBy: input.issuer,
        // From the clock: a removal is compared with it (a code issued before it).
        createdAt: this.clock.now(),
      },
    });
    await recordAudit(this.db, {
      at: this.clock.now(),
      actor: input.issuer,
      action: "invite.issue",
      blocId: bloc.id,
      details: { inviteId: row.id, unitId: unit?.id ?? null, role: input.role, maxUses, days },
    });
    return {
      id: row.id,
      code,
      role: input.role,
      blocName: bloc.name,
      unitName: unit?.name ?? null,
      expiresAt,
      maxUses,
    };
  }

  async revokeInvite(inviteId: number, actor: AuditActor, blocId?: number): Promise<void> {
    const invite = await this.db.inviteCode.findUnique({ where: { id: inviteId } });
    if (!invite || (blocId !== undefined && invite.blocId !== blocId)) {
      throw new AppError("not_found");
    }
    if (invite.revokedAt) return;
    await this.db.inviteCode.update({
      where: { id: inviteId },
      data: { revokedAt: this.clock.now() },
    });
    await recordAudit(this.db, {
      at: this.clock.now(),
      actor,
      action: "invite.revoke",
      blocId: invite.blocId,
      details: { inviteId },
    });
  }

  listInvites(blocId: number) {
    return this.db.inviteCode.findMany({
      where: { blocId },
      include: { unit: true },
      orderBy: { id: "asc" },
    });
  }

  /**
   * Redeems an invite code for the sender in this chat. Every refusal throws an
   * AppError and leaves the data as it was, except the failed try that the rate
   * limit counts.
   */
  async join(
    chat: ChatRef,
    sender: Sender,
    input: string,
    language: Language,
    options: { confirmMove?: boolean } = {},
  ): Promise<JoinResult> {
    const now = this.clock.now();
    const existing = await this.db.account.findUnique({
      where: {
        platform_platformUserId: { platform: chat.platform, platformUserId: sender.platformUserId },
      },
      include: { member: { include: { unit: true } } },
    });
    // In a group, a member's code links the group to the code's unit instead.
    if (existing && chat.kind !== "GROUP") {
      throw new AppError("already_member", {
        unit: existing.member.unit?.name ?? existing.member.role,
      });
    }
    // Members (linking a group with the lead's code) are never held by the bot-wide pause.
    await this.#tries.check(chat, sender, now, { member: existing !== null });

    const normalized = normalizeInviteCode(input);
    const invite = normalized
      ? await this.db.inviteCode.findFirst({
          where: { codeHash: { in: this.#hashes(normalized) } },
          include: { bloc: true, unit: true },
        })
      : null;
    const refusal = !invite
      ? "invite_invalid"
      : invite.revokedAt
        ? "invite_revoked"
        : invite.expiresAt <= now
          ? "invite_expired"
          : invite.uses >= invite.maxUses && chat.kind !== "GROUP"
            ? "invite_used_up"
            : null;
    if (refusal || !invite) {
      await this.#tries.failed(chat, sender, now);
      throw new AppError(refusal ?? "invite_invalid");
    }

    if (existing && existing.member.blocId !== invite.blocId) throw new AppError("forbidden");
    if (!existing)
      await refuseRemoved(
        this.db,
        chat,
        sender,
        invite,
        this.clock.now(),
        this.limits.onRejoinRefused,
      );
    if (chat.kind === "GROUP") {
      return this.#linkGroup(chat, existing?.member ?? null, invite, options.confirmMove ?? false);
    }
    const role = invite.role as Role;
    const memberId = await this.db.$transaction(async (tx) => {
      // Counted under the same condition it was checked with, so two officers
      // racing for the last use cannot both get it.
      const counted = await tx.inviteCode.updateMany({
        where: { id: invite.id, uses: { lt: invite.maxUses }, revokedAt: null },
        data: { uses: { increment: 1 } },
      });
      if (counted.count !== 1) throw new AppError("invite_used_up");
      const member =
        existing?.member ??
        (await tx.member.create({
          data: {
            blocId: invite.blocId,
            unitId: invite.unitId,
            role,
            displayName: sender.displayName,
            language,
            accounts: {
              create: { platform: chat.platform, platformUserId: sender.platformUserId },
            },
          },
        }));
      await linkChat(tx, chat, { blocId: invite.blocId, unitId: invite.unitId });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor: memberActor(member.id),
        action: existing ? "chat.link" : "member.join",
        blocId: invite.blocId,
        details: { inviteId: invite.id, role, unitId: invite.unitId, platform: chat.platform },
      });
      return member.id;
    });
    return {
      memberId,
      role: existing ? (existing.member.role as Role) : role,
      blocId: invite.blocId,
      blocName: invite.bloc.name,
      timezone: invite.bloc.timezone,
      unitId: invite.unitId,
      unitName: invite.unit?.name ?? null,
      linkedGroup: existing !== null,
    };
  }

  /**
   * Links a group to the code's unit (or bloc). Only the bloc's lead, or a focal point
   * of that unit, may; the code proves which unit and is not used up by it. A group
   * already linked elsewhere moves only at its own bloc's lead's word, confirmed.
   */
  async #linkGroup(
    chat: ChatRef,
    member: { id: number; blocId: number; unitId: number | null; role: string } | null,
    invite: {
      id: number;
      blocId: number;
      unitId: number | null;
      bloc: { name: string; timezone: string };
      unit: { name: string } | null;
    },
    confirmMove: boolean,
  ): Promise<JoinResult> {
    if (!member) throw new AppError("group_needs_member");
    const isLead = member.role === "LEAD";
    if (
      !isLead &&
      !(member.role === "FOCAL" && member.unitId !== null && member.unitId === invite.unitId)
    ) {
      throw new AppError("forbidden");
    }
    const current = await this.db.chat.findUnique({
      where: {
        platform_platformChatId: { platform: chat.platform, platformChatId: chat.platformChatId },
      },
      include: { unit: true, bloc: true },
    });
    const linkedElsewhere =
      current?.blocId != null &&
      (current.blocId !== invite.blocId || current.unitId !== invite.unitId);
    if (linkedElsewhere && current) {
      if (!(isLead && member.blocId === current.blocId)) throw new AppError("group_taken");
      if (!confirmMove) {
        return {
          memberId: member.id,
          role: member.role as Role,
          blocId: invite.blocId,
          blocName: invite.bloc.name,
          timezone: invite.bloc.timezone,
          unitId: invite.unitId,
          unitName: invite.unit?.name ?? null,
          linkedGroup: false,
          moveFrom: current.unit?.name ?? current.bloc?.name ?? "",
        };
      }
    }
    await this.db.$transaction(async (tx) => {
      await linkChat(tx, chat, { blocId: invite.blocId, unitId: invite.unitId });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor: memberActor(member.id),
        action: linkedElsewhere ? "chat.move" : "chat.link",
        blocId: invite.blocId,
        details: {
          inviteId: invite.id,
          unitId: invite.unitId,
          platform: chat.platform,
          from: current ? { blocId: current.blocId, unitId: current.unitId } : null,
        },
      });
    });
    return {
      memberId: member.id,
      role: member.role as Role,
      blocId: invite.blocId,
      blocName: invite.bloc.name,
      timezone: invite.bloc.timezone,
      unitId: invite.unitId,
      unitName: invite.unit?.name ?? null,
      linkedGroup: true,
    };
  }

  /** A one-time code that links this member's account on another app (/link). */
  async issueLinkCode(memberId: number): Promise<{ code: string; expiresAt: Date }> {
    const code = generateInviteCode();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + LINK_CODE_MINUTES * MINUTE);
    await this.db.linkCode.create({
      data: {
        codeHash: hashInviteCode(code, this.limits.codeKey),
        memberId,
        expiresAt,
        createdAt: now,
      },
    });
    return { code, expiresAt };
  }

  /** Adds the sender's account on this platform to the member who issued the code. */
  async redeemLinkCode(
    chat: ChatRef,
    sender: Sender,
    input: string,
  ): Promise<{ memberName: string }> {
    const now = this.clock.now();
    const existing = await this.db.account.findUnique({
      where: {
        platform_platformUserId: { platform: chat.platform, platformUserId: sender.platformUserId },
      },
      include: { member: { include: { unit: true } } },
    });
    if (existing) {
      throw new AppError("already_member", {
        unit: existing.member.unit?.name ?? existing.member.role,
      });
    }
    await this.#tries.check(chat, sender, now, { member: false });
    const normalized = normalizeInviteCode(input);
    const link = normalized
      ? await this.db.linkCode.findFirst({ where: { codeHash: { in: this.#hashes(normalized) } } })
      : null;
    const refusal =
      !link || link.usedAt ? "link_invalid" : link.expiresAt <= now ? "link_expired" : null;
    if (refusal || !link) {
      await this.#tries.failed(chat, sender, now);
      throw new AppError(refusal ?? "link_invalid");
    }
    return this.db.$transaction(async (tx) => {
      const used = await tx.linkCode.updateMany({
        where: { id: link.id, usedAt: null },
        data: { usedAt: now },
      });
      if (used.count !== 1) throw new AppError("link_invalid");
      const member = await tx.member.update({
        where: { id: link.memberId },
        data: {
          accounts: { create: { platform: chat.platform, platformUserId: sender.platformUserId } },
        },
      });
      await linkChat(tx, chat, { blocId: member.blocId, unitId: member.unitId });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor: memberActor(member.id),
        action: "account.link",
        blocId: member.blocId,
        details: { platform: chat.platform },
      });
      return { memberName: member.displayName };
    });
  }

  /** Telegram gave a group a new id (group → supergroup): keep its links. */
  async rekeyChat(platform: string, from: string, to: string): Promise<void> {
    const existing = await this.db.chat.findUnique({
      where: { platform_platformChatId: { platform, platformChatId: to } },
    });
    if (existing) return;
    await this.db.chat.updateMany({
      where: { platform, platformChatId: from },
      data: { platformChatId: to },
    });
    await recordAudit(this.db, {
      at: this.clock.now(),
      actor: "operator",
      action: "chat.migrate",
      details: { platform, from, to },
    });
  }

  async setLanguage(memberId: number, language: Language): Promise<void> {
    await this.db.member.update({ where: { id: memberId }, data: { language } });
  }

  #hashes(normalized: string): string[] {
    return [hashInviteCode(normalized, this.limits.codeKey), legacyInviteHash(normalized)];
  }

  /** The private chats of every bloc's leads, with their language (for alerts). */
  leadChats() {
    return leadPrivateChats(this.db);
  }
}
