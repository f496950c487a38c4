import type { HandlerContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { UNSERVED_REASON } from "../../delivery/outbox.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Services } from "../services.ts";

type Ctx = HandlerContext<Services>;
type Row = Awaited<ReturnType<Services["announcements"]["deliveries"]>>[number];

/** Lines per section: a chat message stays readable on a phone; the dashboard lists them all. */
const SHOWN = 15;

/**
 * `/announcements N`: the counts, then every chat that did not get the announcement,
 * with its unit, who reads it there, the app and why, so the lead knows whom to call
 * and whether a retry can help (a blocked chat needs the person to write first).
 */
export async function showDeliveries(ctx: Ctx, idText: string): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const id = Number(idText.replace(/^#/, ""));
  if (!Number.isInteger(id) || id <= 0)
    throw new AppError("bad_arguments", { usage: `/${ctx.t("announcements:command")} 5` });
  const { announcements } = ctx.services;
  const announcement = await announcements.get(actor.blocId, id);
  const [counts, rows] = await Promise.all([
    announcements.counts(id),
    announcements.deliveries(actor.blocId, id, ["FAILED", "BLOCKED"]),
  ]);
  const lines = [
    ctx.t("announcements:detail_title", {
      id,
      date: formatDateTime(announcement.createdAt, actor.timezone),
      text: announcement.text.split("\n")[0]?.slice(0, 60) ?? "",
    }),
    ctx.t("announcements:counts", { ...counts }),
  ];
  const failed = rows.filter((r) => r.status === "FAILED").sort(byUnit);
  const blocked = rows.filter((r) => r.status === "BLOCKED").sort(byUnit);
  if (failed.length > 0) {
    lines.push("", ctx.t("announcements:detail_failed", { count: failed.length }));
    lines.push(...section(ctx, failed, (r) => `: ${reason(ctx, r)}`));
  }
  if (blocked.length > 0) {
    lines.push("", ctx.t("announcements:detail_blocked", { count: blocked.length }));
    lines.push(...section(ctx, blocked, () => ""));
  }
  if (rows.length === 0 && counts.pending === 0)
    lines.push("", ctx.t("announcements:detail_all_sent"));
  if (failed.length > 0) lines.push("", ctx.t("announcements:detail_retry", { id }));
  ctx.reply(lines.join("\n"));
}

function section(ctx: Ctx, rows: Row[], tail: (row: Row) => string): string[] {
  const shown = rows.slice(0, SHOWN).map((r) => `• ${who(ctx, r)}${tail(r)}`);
  if (rows.length > SHOWN)
    shown.push(ctx.t("announcements:detail_more", { count: rows.length - SHOWN }));
  return shown;
}

function who(ctx: Ctx, row: Row): string {
  const unit = row.unitName ?? ctx.t("announcements:no_unit");
  const reader =
    row.chatKind === "GROUP"
      ? ctx.t("announcements:group_chat")
      : (row.person ?? row.platformChatId);
  return `${unit} — ${reader} (${appName(ctx, row.platform)})`;
}

/** The platform's own words, after the method name they start with ("sendMessage: …"). */
function reason(ctx: Ctx, row: Row): string {
  const app = appName(ctx, row.platform);
  if (row.lastError === UNSERVED_REASON) return ctx.t("announcements:reason_unserved", { app });
  const said = (row.lastError ?? "").replace(/^\w+: /, "").slice(0, 120);
  return said
    ? ctx.t("announcements:reason_platform", { app, reason: said })
    : ctx.t("announcements:reason_unknown");
}

const appName = (ctx: Ctx, platform: string) =>
  ctx.t(`common:app.${platform}`, { defaultValue: platform });

const byUnit = (a: Row, b: Row) =>
  (a.unitName ?? "").localeCompare(b.unitName ?? "", "vi") ||
  (a.person ?? "").localeCompare(b.person ?? "", "vi");
