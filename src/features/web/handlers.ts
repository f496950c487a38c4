import type { Feature } from "../../core/commands.ts";
import type { HandlerContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Services } from "../registry.ts";

type Ctx = HandlerContext<Services>;

/** /web: a one-time link into the dashboard; no password to remember. */
async function web(ctx: Ctx): Promise<void> {
  if (!ctx.actor) throw new AppError("not_linked");
  const link = await ctx.services.webAccess.issueLoginLink(ctx.actor.memberId);
  ctx.reply(
    ctx.t("web:login_link", {
      url: link.url,
      until: formatDateTime(link.expiresAt, ctx.actor.timezone),
    }),
  );
}

export const webFeature: Feature<Services> = {
  commands: [{ names: ["web", "trangweb"], audience: "member", helpKey: "web", run: web }],
};
