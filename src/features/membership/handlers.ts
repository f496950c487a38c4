import { z } from "zod";
import type { Feature } from "../../core/commands.ts";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { typedStep } from "../../core/flowState.ts";
import { languageSchema, type Role, roleSchema } from "../../core/roles.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { memberActor } from "../../services/auditLog.ts";
import { evidenceGuide, mayReport, sendsEvidence } from "../reports/guide.ts";
import type { Services } from "../services.ts";
import { displayInviteCode } from "./inviteCode.ts";
import { inviteFlow, inviteStart } from "./inviteHandlers.ts";
import { NOTIFY_VIA, type NotifyVia } from "./notifyPreferences.ts";

type Ctx = HandlerContext<Services>;

const GROUP_MOVE_FLOW = "group_move";

async function join(ctx: Ctx, args: string): Promise<void> {
  // "/join CODE@bot" is what Telegram's menu inserts in groups: the mention is not the code.
  const code = args.replace(/@\w+$/, "").trim();
  if (!code) throw new AppError("bad_arguments", { usage: ctx.t("membership:usage_join") });
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
  // The newcomer's next step: what runs now, by when, and with which hashtag.
  const guide = sendsEvidence(joined.role, joined.unitId)
    ? evidenceGuide(
        ctx.t,
        await services.campaigns.active(joined.blocId),
        joined.timezone,
        ctx.clock.now(),
        mayReport(services.commandList(), joined.role),
      )
    : [];
  ctx.reply([...guide, ctx.t("membership:after_join")].join("\n"));
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
  if (!parsed.success)
    throw new AppError("bad_arguments", { usage: ctx.t("membership:usage_lang") });
  if (!ctx.actor) throw new AppError("not_linked");
  await ctx.services.membership.setLanguage(ctx.actor.memberId, parsed.data);
  ctx.reply(ctx.services.translate(parsed.data)("membership:language_set"));
}

async function cancel(ctx: Ctx): Promise<void> {
  ctx.reply(ctx.t("common:cancelled"));
}

/** /members: the bloc's people, each with the number that opens them (/members 12). */
async function members(ctx: Ctx, args: string): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  if (args) return openMember(ctx, args);
  const list = await ctx.services.blocs.listMembers(actor.blocId);
  const lines = list.map(
    (m) =>
      `#${m.id} ${m.displayName} — ${ctx.t(`common:role.${m.role}`)}${m.unit ? `, ${m.unit.name}` : ""}`,
  );
  ctx.reply(
    [
      ctx.t("membership:members_title", { bloc: actor.blocName, count: list.length }),
      ...lines,
      ctx.t("membership:members_hint", { example: list.at(-1)?.id ?? 1 }),
    ].join("\n"),
  );
}

const MEMBER_FLOW = "member_admin";
const ROLES: Role[] = ["LEAD", "REVIEWER", "FOCAL", "OFFICER"];

/** /members 12: what the lead may do with one member: change the role, or remove. */
async function openMember(ctx: Ctx, args: string): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const id = Number(args.replace(/^#/, ""));
  if (!Number.isInteger(id) || id <= 0)
    throw new AppError("bad_arguments", { usage: ctx.t("membership:usage_members") });
  const member = await ctx.services.roster.get(actor.blocId, id);
  ctx.reply({
    text: ctx.t("membership:member_card", {
      name: member.displayName,
      role: ctx.t(`common:role.${member.role}`),
      unit: member.unit?.name ?? "—",
      apps: member.accounts.map((a) => a.platform).join(", ") || "—",
    }),
    choices: [
      ...ROLES.filter((r) => r !== member.role).map((r) => ({
        id: `role:${r}`,
        label: ctx.t("membership:make_role", { role: ctx.t(`common:role.${r}`) }),
      })),
      { id: "remove", label: ctx.t("membership:remove_member") },
      { id: "cancel", label: ctx.t("membership:leave_as_is") },
    ],
  });
  ctx.flow.goto(MEMBER_FLOW, "action", { memberId: id, name: member.displayName });
}

/** What the form keeps between its steps, read back through this schema at each step. */
const memberActionSchema = z.looseObject({
  memberId: z.number().int(),
  name: z.string(),
  action: z.string().optional(),
});
type MemberAction = z.infer<typeof memberActionSchema>;

async function pickMemberAction(ctx: Ctx, input: StepInput, data: MemberAction): Promise<void> {
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "cancel") {
    ctx.flow.end();
    ctx.reply(ctx.t("membership:left_as_is"));
    return;
  }
  if (choice !== "remove" && !choice.startsWith("role:")) throw new AppError("pick_a_choice");
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const codes =
    choice === "remove" ? await ctx.services.roster.usedCodes(actor.blocId, data.memberId) : [];
  const question =
    choice === "remove"
      ? [
          ctx.t("membership:confirm_remove", { name: data.name }),
          ...(codes.length
            ? [ctx.t("membership:confirm_remove_codes", { codes: describeCodes(ctx, codes) })]
            : []),
        ].join("\n")
      : ctx.t("membership:confirm_role", {
          name: data.name,
          role: ctx.t(`common:role.${choice.slice(5)}`),
        });
  ctx.reply({
    text: question,
    choices: codes.length
      ? [
          { id: "revoke", label: ctx.t("membership:remove_and_revoke") },
          { id: "yes", label: ctx.t("membership:remove_only") },
          { id: "no", label: ctx.t("membership:leave_as_is") },
        ]
      : [
          { id: "yes", label: ctx.t("membership:confirm_yes") },
          { id: "no", label: ctx.t("membership:leave_as_is") },
        ],
  });
  ctx.flow.goto(MEMBER_FLOW, "confirm", { ...data, action: choice });
}

async function confirmMemberAction(ctx: Ctx, input: StepInput, data: MemberAction): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "no") {
    ctx.flow.end();
    ctx.reply(ctx.t("membership:left_as_is"));
    return;
  }
  if (choice !== "yes" && !(choice === "revoke" && data.action === "remove")) {
    throw new AppError("pick_a_choice");
  }
  ctx.flow.end();
  const by = memberActor(actor.memberId);
  if (data.action === "remove") {
    const { revokedCodes } = await ctx.services.roster.remove(actor.blocId, data.memberId, by, {
      revokeCodes: choice === "revoke",
    });
    ctx.reply(
      revokedCodes > 0
        ? ctx.t("membership:removed_revoked", { name: data.name, count: revokedCodes })
        : ctx.t("membership:removed", { name: data.name }),
    );
    return;
  }
  const role = roleSchema.parse(data.action?.slice(5));
  await ctx.services.roster.changeRole(actor.blocId, data.memberId, role, by);
  ctx.reply(
    ctx.t("membership:role_changed", { name: data.name, role: ctx.t(`common:role.${role}`) }),
  );
}

/** "#3 (Cán bộ, Phòng A, 4/20 lần)": enough for the lead to know which code it is. */
export function describeCodes(
  ctx: { t: Ctx["t"] },
  codes: { id: number; role: string; unitName: string | null; uses: number; maxUses: number }[],
): string {
  return codes
    .map((c) =>
      ctx.t("membership:code_brief", {
        id: c.id,
        role: ctx.t(`common:role.${c.role}`),
        unit: c.unitName ?? "—",
        uses: c.uses,
        max: c.maxUses,
      }),
    )
    .join(", ");
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

const NOTIFY_FLOW = "notify";

/** /notify: where they hear now, and a numbered choice; /notify zalo sets it at once. */
async function notify(ctx: Ctx, args: string): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const via = args.toLowerCase();
  if (via === "") {
    const current = await ctx.services.notifyPreferences.of(actor.memberId);
    ctx.reply({
      text: ctx.t("membership:notify_pick", { current: ctx.t(`membership:via_${current}`) }),
      choices: NOTIFY_VIA.map((v) => ({ id: v, label: ctx.t(`membership:via_${v}`) })),
    });
    ctx.flow.goto(NOTIFY_FLOW, "pick", {});
    return;
  }
  const chosen = NOTIFY_VIA.find((v) => v === via);
  if (!chosen) {
    throw new AppError("bad_arguments", { usage: ctx.t("membership:usage_notify") });
  }
  await setNotifyVia(ctx, chosen);
}

async function notifyPick(ctx: Ctx, input: StepInput): Promise<void> {
  const chosen = NOTIFY_VIA.find((v) => input.type === "choice" && v === input.choiceId);
  if (!chosen) {
    ctx.reply(ctx.t("common:pick_a_choice"));
    return;
  }
  ctx.flow.end();
  await setNotifyVia(ctx, chosen);
}

async function setNotifyVia(ctx: Ctx, via: NotifyVia): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  await ctx.services.notifyPreferences.set(actor.memberId, via);
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
    {
      names: ["members", "thanhvien"],
      audience: ["LEAD"],
      helpKey: "members",
      startsForm: true,
      run: members,
    },
    { names: ["link", "lienket"], audience: "anyone", helpKey: "link", run: link },
    {
      names: ["notify", "nhantin"],
      audience: "member",
      helpKey: "notify",
      startsForm: true,
      run: notify,
    },
  ],
  flows: [
    inviteFlow,
    { name: GROUP_MOVE_FLOW, steps: { confirm: groupMoveConfirm } },
    {
      name: MEMBER_FLOW,
      steps: {
        action: typedStep(memberActionSchema, pickMemberAction),
        confirm: typedStep(memberActionSchema, confirmMemberAction),
      },
    },
    { name: NOTIFY_FLOW, steps: { pick: notifyPick } },
  ],
};
