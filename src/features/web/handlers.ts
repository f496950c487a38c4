import type { Feature } from "../../core/commands.ts";
import type { HandlerContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Services } from "../services.ts";

type Ctx = HandlerContext<Services>;

/** /web: a one-time link into the dashboard; no password to remember. */
async function web(ctx: Ctx): Promise<void> {
  if (!ctx.actor) throw new AppError("not_linked");
  const link = await ctx.services.webAccess.issueLoginLink(ctx.actor.memberId);
  // Where the app opens pages inside itself (Telegram), a button does it signed in;
  // the app requires https for that.
  const miniApp = new URL("/web/telegram", link.url);
  const text = ctx.t("web:login_link", {
    url: link.url,
    until: formatDateTime(link.expiresAt, ctx.actor.timezone),
  });
  ctx.reply({
    // A link to this machine's own address would open nothing on a phone: say so.
    text: ctx.services.publicAddress.linksReach(ctx.capabilities)
      ? text
      : `${text}\n\n${ctx.t("common:links_local_only")}`,
    // The link is one person's: no app's robot opens it for a preview where we can say so.
    noLinkPreview: true,
    ...(ctx.capabilities.webApps && miniApp.protocol === "https:"
      ? { webApp: { label: ctx.t("web:open_in_app"), url: miniApp.href } }
      : {}),
  });
}

export const webFeature: Feature<Services> = {
  commands: [{ names: ["web", "trangweb"], audience: "member", helpKey: "web", run: web }],
};
