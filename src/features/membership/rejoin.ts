import { AppError } from "../../core/errors.ts";
import type { ChatRef, Sender } from "../../core/inbound.ts";
import type { Db } from "../../db/client.ts";
import { memberActor, recordAudit } from "../../services/auditLog.ts";

/** A removed member tried a code issued before the removal. */
export interface RefusedRejoin {
  blocId: number;
  memberId: number;
  name: string;
  inviteId: number;
  removedAt: Date;
}

/**
 * A removed member still holds the unit's shared code. It lets them back only if the
 * lead issued it after the removal (the lead's word that they may return); otherwise
 * the try is audited, the leads hear of it (`tell`) and the sender is refused.
 */
export async function refuseRemoved(
  db: Db,
  chat: ChatRef,
  sender: Sender,
  invite: { id: number; blocId: number; createdAt: Date; bloc: { name: string } },
  now: Date,
  tell?: (refused: RefusedRejoin) => Promise<void>,
): Promise<void> {
  const former = await db.formerAccount.findFirst({
    where: {
      platform: chat.platform,
      platformUserId: sender.platformUserId,
      blocId: invite.blocId,
      removedAt: { gte: invite.createdAt },
    },
    orderBy: { removedAt: "desc" },
  });
  if (!former) return;
  const member = await db.member.findUnique({ where: { id: former.memberId } });
  await recordAudit(db, {
    at: now,
    // Who tried: the removed member, by the accounts they had.
    actor: memberActor(former.memberId),
    action: "member.rejoin_refused",
    blocId: invite.blocId,
    details: { memberId: former.memberId, inviteId: invite.id, platform: chat.platform },
  });
  await tell?.({
    blocId: invite.blocId,
    memberId: former.memberId,
    name: member?.displayName ?? sender.displayName,
    inviteId: invite.id,
    removedAt: former.removedAt,
  });
  throw new AppError("rejoin_needs_lead", { bloc: invite.bloc.name });
}
