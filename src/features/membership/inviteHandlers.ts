import type { FlowSpec } from "../../core/commands.ts";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { type Role, roleNeedsUnit, roleSchema } from "../../core/roles.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { memberActor } from "../../services/auditLog.ts";
import type { Services } from "../services.ts";
import { displayInviteCode } from "./inviteCode.ts";

type Ctx = HandlerContext<Services>;

/* /invite: a lead picks a unit, then a role, and gets a code to pass on. */

const INVITE_FLOW = "invite";

/** What people type for a role: the code's names, English and Vietnamese, any case or accent. */
const ROLE_WORDS: Record<string, Role> = {
  lead: "LEAD",
  thuongtruc: "LEAD",
  reviewer: "REVIEWER",
  thamdinh: "REVIEWER",
  chamdiem: "REVIEWER",
  focal: "FOCAL",
  daumoi: "FOCAL",
  officer: "OFFICER",
  canbo: "OFFICER",
};
const folded = (word: string) =>
  word
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/gi, "d")
    .toLowerCase();

/** "/invite 2 OFFICER", "/moi 2 canbo", "/moi khoi thuongtruc": the steps' answers typed at once. */
async function inviteWithArgs(ctx: Ctx, args: string): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const usage = ctx.t("membership:usage_invite");
  const [unitWord = "", roleWord, ...extra] = args.trim().split(/\s+/);
  if (extra.length > 0) throw new AppError("bad_arguments", { usage });
  const wholeBloc = ["khoi", "bloc"].includes(folded(unitWord));
  const unitId = wholeBloc ? null : Number(unitWord.replace(/^#/, ""));
  if (unitId !== null && (!Number.isInteger(unitId) || unitId <= 0)) {
    throw new AppError("bad_arguments", { usage });
  }
  if (unitId !== null) {
    const units = await ctx.services.blocs.listUnits(actor.blocId);
    if (!units.some((u) => u.id === unitId)) throw new AppError("not_found");
  }
  if (roleWord === undefined) return askInviteRole(ctx, unitId);
  const role = ROLE_WORDS[folded(roleWord)];
  if (!role) throw new AppError("bad_arguments", { usage });
  if (roleNeedsUnit(role) && unitId === null) throw new AppError("role_needs_unit");
  await issue(ctx, unitId, role);
}

export async function inviteStart(ctx: Ctx, args: string): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  if (args.trim()) return inviteWithArgs(ctx, args);
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
  askInviteRole(ctx, input.choiceId === "bloc" ? null : Number(input.choiceId.slice(1)));
}

function askInviteRole(ctx: Ctx, unitId: number | null): void {
  const roles: Role[] = unitId === null ? ["LEAD", "REVIEWER"] : ["FOCAL", "OFFICER", "LEAD"];
  ctx.reply({
    text: ctx.t("membership:invite_pick_role"),
    choices: roles.map((role) => ({ id: role, label: ctx.t(`common:role.${role}`) })),
  });
  ctx.flow.goto(INVITE_FLOW, "role", { unitId });
}

async function inviteRole(ctx: Ctx, input: StepInput, data: unknown): Promise<void> {
  const actor = ctx.actor;
  const role = roleSchema.safeParse(input.type === "choice" ? input.choiceId : "");
  if (!actor || !role.success) {
    ctx.reply(ctx.t("common:pick_a_choice"));
    return;
  }
  const { unitId } = data as { unitId: number | null };
  await issue(ctx, unitId, role.data);
}

async function issue(ctx: Ctx, unitId: number | null, role: Role): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
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
  // As the dashboard's form: on Telegram the link opens the bot with the code filled in.
  const username = ctx.services.telegramUsername();
  if (username) {
    const plain = invite.code.replace(/-/g, "");
    ctx.reply(
      ctx.t("membership:invite_deep_link", { link: `https://t.me/${username}?start=${plain}` }),
    );
  }
}

export const inviteFlow: FlowSpec<Services> = {
  name: INVITE_FLOW,
  steps: { unit: inviteUnit, role: inviteRole },
};
