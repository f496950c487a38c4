import { roleSchema } from "../../core/roles.ts";
import { displayInviteCode } from "../../features/membership/inviteCode.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { AdminError } from "../adminResult.ts";
import { type AdminVerb, id } from "../adminVerb.ts";

/** Invite codes: create, list, revoke. */
export const inviteVerbs: AdminVerb[] = [
  {
    words: "invite create",
    args: "--bloc <id> --role LEAD|REVIEWER|FOCAL|OFFICER [--unit <id>] [--days 14] [--uses 20]",
    options: ["bloc", "days", "role", "unit", "uses"],
    run: async ({ app, options }) => {
      const { membership } = app.services;
      const timezone = app.deps.config.DEFAULT_TIMEZONE;
      const role = roleSchema.safeParse(options.role?.toUpperCase());
      if (!role.success) throw new AdminError("--role must be LEAD, REVIEWER, FOCAL or OFFICER", 2);
      const invite = await membership.issueInvite({
        blocId: id("--bloc", options.bloc),
        unitId: options.unit === undefined ? null : id("--unit", options.unit),
        role: role.data,
        days: options.days === undefined ? undefined : id("--days", options.days),
        maxUses: options.uses === undefined ? undefined : id("--uses", options.uses),
        issuer: "operator",
      });
      return {
        json: { ...invite, display: displayInviteCode(invite.code) },
        text: [
          `invite ${invite.id}: ${displayInviteCode(invite.code)}  (${invite.role}, ${invite.unitName ?? invite.blocName})`,
          `expires ${formatDateTime(invite.expiresAt, timezone)}, up to ${invite.maxUses} uses`,
          `the recipient sends the bot: /join ${invite.code}`,
        ].join("\n"),
      };
    },
  },
  {
    words: "invite list",
    args: "<blocId>",
    run: async ({ app, args }) => {
      const { blocs, membership } = app.services;
      const list = await membership.listInvites((await blocs.getBloc(id("blocId", args[0]))).id);
      const now = app.deps.clock.now();
      const state = (i: (typeof list)[number]) =>
        i.revokedAt
          ? "revoked"
          : i.expiresAt <= now
            ? "expired"
            : i.uses >= i.maxUses
              ? "used up"
              : "active";
      return {
        json: list.map((i) => ({
          id: i.id,
          role: i.role,
          unit: i.unit?.name ?? null,
          uses: i.uses,
          maxUses: i.maxUses,
          expiresAt: i.expiresAt,
          state: state(i),
        })),
        text:
          list
            .map(
              (i) =>
                `${i.id}\t${i.role}\t${i.unit?.name ?? "-"}\t${i.uses}/${i.maxUses}\t${state(i)}`,
            )
            .join("\n") || "no invites",
      };
    },
  },
  {
    words: "invite revoke",
    args: "<inviteId>",
    run: async ({ app, args }) => {
      const { membership } = app.services;
      const inviteId = id("inviteId", args[0]);
      await membership.revokeInvite(inviteId, "operator");
      return { json: { id: inviteId, revoked: true }, text: `invite ${inviteId} revoked` };
    },
  },
];
