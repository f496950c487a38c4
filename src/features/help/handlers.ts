import type { Feature } from "../../core/commands.ts";
import { audienceAllows, shownNames } from "../../core/commands.ts";
import type { HandlerContext } from "../../core/context.ts";
import { evidenceGuide, mayReport, sendsEvidence } from "../reports/guide.ts";
import type { Services } from "../services.ts";

/**
 * /help lists what this person may do, from the same registry the router uses, each
 * command by its name in their language; an officer first reads how to send evidence
 * for what runs now.
 */
async function help(ctx: HandlerContext<Services>): Promise<void> {
  const actor = ctx.actor;
  const role = actor?.role ?? null;
  const allowed = ctx.services
    .commandList()
    .filter((c) => !(c.strangersOnly && role !== null))
    .filter((c) => audienceAllows(c.audience, role));
  const lines = allowed.map((c) => {
    const [name, ...aliases] = shownNames(c.names, ctx.language);
    const alias = aliases.length ? ` (${aliases.map((n) => `/${n}`).join(", ")})` : "";
    return `/${name}${alias} — ${ctx.t(`help:${c.helpKey}`)}`;
  });
  const header = actor
    ? ctx.t("help:header_member", { role: ctx.t(`common:role.${actor.role}`) })
    : ctx.t("help:header_stranger");
  const guide =
    actor && sendsEvidence(actor.role, actor.unitId)
      ? evidenceGuide(
          ctx.t,
          await ctx.services.campaigns.active(actor.blocId, actor.campaignsVersion),
          actor.timezone,
          ctx.clock.now(),
          mayReport(allowed, actor.role),
        )
      : [];
  ctx.reply([...(guide.length ? [...guide, ""] : []), header, "", ...lines].join("\n"));
}

export const helpFeature: Feature<Services> = {
  commands: [{ names: ["help", "trogiup"], audience: "anyone", helpKey: "help", run: help }],
};
