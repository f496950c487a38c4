import { join } from "node:path";
import type { Language } from "../../core/roles.ts";
import { leadPrivateChats } from "../../services/leadChats.ts";
import { loadOrCreateKey } from "../../storage/serverKey.ts";
import type { ServiceDeps } from "../serviceDeps.ts";
import { NotifyPreferences } from "./notifyPreferences.ts";
import { RosterService } from "./roster.ts";
import { MembershipService } from "./service.ts";

export const provides = (deps: ServiceDeps) => {
  const { config } = deps;
  const membership: MembershipService = new MembershipService(deps.db, deps.clock, {
    maxFailedTries: config.INVITE_MAX_FAILED_TRIES,
    maxFailedTriesOverall: config.INVITE_MAX_FAILED_TRIES_OVERALL,
    tryWindowMinutes: config.INVITE_TRY_WINDOW_MINUTES,
    defaultInviteDays: config.INVITE_DEFAULT_DAYS,
    codeKey: loadOrCreateKey(
      join(config.DATA_DIR, "keys", "invite-code.key"),
      config.INVITE_CODE_KEY,
    ),
    // The leads hear once per window that someone is guessing codes.
    onFlood: async (minutes) => {
      const windowMs = minutes * 60_000;
      const bucket = Math.floor(deps.clock.now().getTime() / windowMs);
      const targets = await membership.leadChats();
      const added = await deps.outbox.enqueue(
        targets.flatMap(({ chat, lead }) =>
          lead
            ? [
                {
                  kind: "ALERT" as const,
                  dedupeKey: `invite-flood:${bucket}:chat:${chat.id}`,
                  blocId: lead.blocId,
                  platform: chat.platform,
                  platformChatId: chat.platformChatId,
                  chatKind: "PRIVATE" as const,
                  chatId: chat.id,
                  text: deps.translator.for(lead.language as Language)(
                    "membership:invite_flood_alert",
                    { minutes },
                  ),
                },
              ]
            : [],
        ),
      );
      if (added > 0) deps.nudge();
    },
    // The lead decides: a new code from them is their word that the person may return.
    onRejoinRefused: async (refused) => {
      const targets = await leadPrivateChats(deps.db, refused.blocId);
      const added = await deps.outbox.enqueue(
        targets.flatMap(({ chat, lead }) => {
          if (!lead || lead.removedAt) return [];
          const t = deps.translator.for(lead.language as Language);
          return [
            {
              kind: "ALERT" as const,
              dedupeKey: `rejoin:${refused.memberId}:${refused.inviteId}:${deps.clock.now().getTime()}:chat:${chat.id}`,
              blocId: refused.blocId,
              platform: chat.platform,
              platformChatId: chat.platformChatId,
              chatKind: "PRIVATE" as const,
              chatId: chat.id,
              text: t("membership:rejoin_refused_alert", {
                name: refused.name,
                invite: refused.inviteId,
              }),
            },
          ];
        }),
      );
      if (added > 0) deps.nudge();
    },
  });
  const roster = new RosterService(deps.db, deps.clock, {
    outbox: deps.outbox,
    translate: (language) => deps.translator.for(language),
    nudge: deps.nudge,
  });
  return { membership, roster, notifyPreferences: new NotifyPreferences(deps.db) };
};
