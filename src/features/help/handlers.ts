import type { Feature } from "../../core/commands.ts";
import { audienceAllows } from "../../core/commands.ts";
import type { HandlerContext } from "../../core/context.ts";
import type { Services } from "../registry.ts";

/** /help lists what this person may do, from the same registry the router uses. */
async function help(ctx: HandlerContext<Services>): Promise<void> {
  const role = ctx.actor?.role ?? null;
  const lines = ctx.services
    .commandList()
    .filter((c) => !(c.strangersOnly && role !== null))
    .filter((c) => audienceAllows(c.audience, role))
    .map((c) => {
      const aliases = c.names.slice(1).map((n) => `/${n}`);
      const alias = aliases.length ? ` (${aliases.join(", ")})` : "";
      return `/${c.names[0]}${alias} — ${ctx.t(`help:${c.helpKey}`)}`;
    });
  const header = ctx.actor
    ? ctx.t("help:header_member", { role: ctx.t(`common:role.${ctx.actor.role}`) })
    : ctx.t("help:header_stranger");
  ctx.reply([header, "", ...lines].join("\n"));
}

export const helpFeature: Feature<Services> = {
  commands: [{ names: ["help", "trogiup"], audience: "anyone", helpKey: "help", run: help }],
};
