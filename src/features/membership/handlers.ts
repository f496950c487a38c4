import type { Feature } from "../../core/commands.ts";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { languageSchema, type Role } from "../../core/roles.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { memberActor } from "../../services/auditLog.ts";
import type { Services } from "../registry.ts";
import { displayInviteCode } from "./inviteCode.ts";

type Ctx = HandlerContext<Services>;

const GROUP_MOVE_FLOW = "group_move";

async function join(ctx: Ctx, args: string): Promise<void> {
  // "/join CODE@bot" is what Telegram's menu inserts in groups: the mention is not the code.
  const code = args.replace(/@\w+$/, "").trim();
  if (!code) throw new AppError("bad_arguments", { usage: "/join K7QM-3XPA" });
  const { event, services } = ctx;
  const joined = await services.membership.join(event.chat, event.from, code, ctx.language);
  if (joined.moveFrom !== undefined) {
    ctx.reply({
      text: ctx.t("membership:group_move_confirm", {
        from: joined.moveFrom,
        to: joined.unitName ?? joined.blocName,
      }),
      choices: [
        { id: "move", label: ctx.t("membership:group_move_yes") },
        { id: "keep", label: ctx.t("membership:group_move_no") },
      ],
    });
    ctx.flow.goto(GROUP_MOVE_FLOW, "confirm", { code });
    return;
  }
  if (joined.linkedGroup) {
    ctx.reply(ctx.t("membership:group_linked", { unit: joined.unitName ?? joined.blocName }));
    return;
  }
  ctx.reply(
    ctx.t("membership:joined", {
      name: event.from.displayName,
      role: ctx.t(`common:role.${joined.role}`),
      bloc: joined.blocName,
      unit: joined.unitName ?? ctx.t("membership:no_unit"),
    }),
  );
  ctx.reply(ctx.t("membership:after_join"));
}

async function groupMoveConfirm(ctx: Ctx, input: StepInput, data: unknown): Promise<void> {
  if (input.type !== "choice") throw new AppError("pick_a_choice");
  ctx.flow.end();
  if (input.choiceId !== "move") {
    ctx.reply(ctx.t("membership:group_move_kept"));
    return;
  }
  const { code } = data as { code: string };
  const { event, services } = ctx;
  const joined = await services.membership.join(event.chat, event.from, code, ctx.language, {
    confirmMove: true,
  });
  ctx.reply(ctx.t("membership:group_linked", { unit: joined.unitName ?? joined.blocName }));
}

async function start(ctx: Ctx, args: string): Promise<void> {
  if (args) return join(ctx, args);
  if (ctx.actor) {
    ctx.reply(ctx.t("membership:welcome_back", { name: ctx.actor.displayName }));
    return;
  }
  ctx.reply(ctx.t("membership:welcome"));
}

async function whoami(ctx: Ctx): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  ctx.reply(
    ctx.t("membership:whoami", {
      name: actor.displayName,
      role: ctx.t(`common:role.${actor.role}`),
      bloc: actor.blocName,
      unit: actor.unitName ?? ctx.t("membership:no_unit"),
      platform: ctx.event.chat.platform,
      language: actor.language,
    }),
  );
}

async function lang(ctx: Ctx, args: string): Promise<void> {
  const parsed = languageSchema.safeParse(args.toLowerCase());
  if (!parsed.success) throw new AppError("bad_arguments", { usage: "/lang vi | /lang en" });
  if (!ctx.actor) throw new AppError("not_linked");
  await ctx.services.membership.setLanguage(ctx.actor.memberId, parsed.data);
  ctx.reply(ctx.services.translate(parsed.data)("membership:language_set"));
}

async function cancel(ctx: Ctx): Promise<void> {
  ctx.reply(ctx.t("common:cancelled"));
}

/* /invite: a lead picks a unit, then a role, and gets a code to pass on. */

const INVITE_FLOW = "invite";

async function inviteStart(ctx: Ctx): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const units = await ctx.services.blocs.listUnits(actor.blocId);
  ctx.reply({
    text: ctx.t("membership:invite_pick_unit"),
    choices: [
      ...units.map((u) => ({ id: `u${u.id}`, label: u.name })),
      { id: "bloc", label: ctx.t("membership:invite_whole_bloc") },
    ],
  });
  ctx.flow.goto(INVITE_FLOW, "unit", {});
}

async function inviteUnit(ctx: Ctx, input: StepInput): Promise<void> {
  if (input.type !== "choice") {
    ctx.reply(ctx.t("common:pick_a_choice"));
    return;
  }
  const unitId = input.choiceId === "bloc" ? null : Number(input.choiceId.slice(1));
  const roles: Role[] = unitId === null ? ["LEAD"] : ["FOCAL", "OFFICER", "LEAD"];
  ctx.reply({
    text: ctx.t("membership:invite_pick_role"),
    choices: roles.map((role) => ({ id: role, label: ctx.t(`common:role.${role}`) })),
  });
  ctx.flow.goto(INVITE_FLOW, "role", { unitId });
}

async function inviteRole(ctx: Ctx, input: StepInput, data: unknown): Promise<void> {
  const actor = ctx.actor;
  const role = input.type === "choice" ? input.choiceId : "";
  if (!actor || (role !== "FOCAL" && role !== "OFFICER" && role !== "LEAD")) {
    ctx.reply(ctx.t("common:pick_a_choice"));
    return;
  }
  const { unitId } = data as { unitId: number | null };
  const invite = await ctx.services.membership.issueInvite({
    blocId: actor.blocId,
    unitId,
    role,
    issuer: memberActor(actor.memberId),
  });
  ctx.flow.end();
  ctx.reply(
    ctx.t("membership:invite_issued", {
      code: displayInviteCode(invite.code),
      plain: invite.code,
      role: ctx.t(`common:role.${role}`),
      unit: invite.unitName ?? invite.blocName,
      expires: formatDateTime(invite.expiresAt, actor.timezone),
      uses: invite.maxUses,
    }),
  );
}

async function members(ctx: Ctx): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const list = await ctx.services.blocs.listMembers(actor.blocId);
  const lines = list.map(
    (m) =>
      `• ${m.displayName} — ${ctx.t(`common:role.${m.role}`)}${m.unit ? `, ${m.unit.name}` : ""}`,
  );
  ctx.reply(
    [
      ctx.t("membership:members_title", { bloc: actor.blocName, count: list.length }),
      ...lines,
    ].join("\n"),
  );
}

/** /link: on one app, get a code; on the other, send /link CODE. */
async function link(ctx: Ctx, args: string): Promise<void> {
  if (args) {
    const linked = await ctx.services.membership.redeemLinkCode(
      ctx.event.chat,
      ctx.event.from,
      args,
    );
    ctx.reply(
      ctx.t("membership:linked", { name: linked.memberName, platform: ctx.event.chat.platform }),
    );
    return;
  }
  if (!ctx.actor) throw new AppError("not_linked");
  const issued = await ctx.services.membership.issueLinkCode(ctx.actor.memberId);
  ctx.reply(
    ctx.t("membership:link_code", {
      code: displayInviteCode(issued.code),
      plain: issued.code,
      expires: formatDateTime(issued.expiresAt, ctx.actor.timezone),
    }),
  );
}

async function notify(ctx: Ctx, args: string): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const via = args.toLowerCase();
  if (via !== "telegram" && via !== "zalo" && via !== "both") {
    throw new AppError("bad_arguments", {
      usage: "/notify telegram | /notify zalo | /notify both",
    });
  }
  await ctx.services.membership.setNotifyVia(actor.memberId, via);
  ctx.reply(ctx.t(`membership:notify_${via}`));
}

export const membershipFeature: Feature<Services> = {
  commands: [
    { names: ["start"], audience: "anyone", helpKey: "start", strangersOnly: true, run: start },
    {
      names: ["join", "thamgia"],
      audience: "anyone",
      helpKey: "join",
      strangersOnly: true,
      run: join,
    },
    {
      names: ["whoami", "toila"],
      audience: "member",
      helpKey: "whoami",
      run: whoami,
    },
    { names: ["lang", "ngonngu"], audience: "member", helpKey: "lang", run: lang },
    {
      names: ["cancel", "huy"],
      audience: "anyone",
      helpKey: "cancel",
      leavesForm: true,
      run: cancel,
    },
    {
      names: ["invite", "moi"],
      startsForm: true,
      audience: ["LEAD"],
      helpKey: "invite",
      run: inviteStart,
    },
    { names: ["members", "thanhvien"], audience: ["LEAD"], helpKey: "members", run: members },
    { names: ["link", "lienket"], audience: "anyone", helpKey: "link", run: link },
    { names: ["notify", "nhantin"], audience: "member", helpKey: "notify", run: notify },
  ],
  flows: [
    { name: INVITE_FLOW, steps: { unit: inviteUnit, role: inviteRole } },
    { name: GROUP_MOVE_FLOW, steps: { confirm: groupMoveConfirm } },
  ],
};
