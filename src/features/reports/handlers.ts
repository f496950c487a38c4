import type { Feature } from "../../core/commands.ts";
import type { HandlerContext } from "../../core/context.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { formatDuration } from "../../i18n/duration.ts";
import type { Services } from "../services.ts";
import { filePhotosFlow, quickPhotoReport } from "./quickReport.ts";
import { reportFlow, startReport } from "./reportForm.ts";
import { unitActor } from "./reportState.ts";

type Ctx = HandlerContext<Services>;

/* /status: the unit's reports and the next deadline. */

async function status(ctx: Ctx): Promise<void> {
  const actor = unitActor(ctx);
  const rows = await ctx.services.reports.unitStatus(actor.blocId, actor.unitId);
  if (rows.length === 0) {
    ctx.reply(ctx.t("reports:status_none", { unit: actor.unitName }));
    return;
  }
  const now = ctx.clock.now();
  const lines = rows.map((r) => {
    const state = r.report
      ? `${ctx.t(`reports:status.${r.report.status}`)} · ${ctx.t("reports:photo_count", { count: r.report.photos })}${r.report.late ? ` · ${ctx.t("reports:late_short")}` : ""}`
      : ctx.t(r.dueAt < now ? "reports:status.MISSING_OVERDUE" : "reports:status.MISSING");
    return `• ${r.campaignTitle} — ${formatDateTime(r.dueAt, actor.timezone)}: ${state}`;
  });
  const next = rows.find((r) => r.dueAt >= now);
  lines.push(
    next
      ? ctx.t("reports:next", {
          date: formatDateTime(next.dueAt, actor.timezone),
          left: formatDuration(next.dueAt.getTime() - now.getTime(), ctx.t),
        })
      : ctx.t("reports:no_next"),
  );
  ctx.reply([ctx.t("reports:status_title", { unit: actor.unitName }), ...lines].join("\n"));
}

export const reportsFeature: Feature<Services> = {
  commands: [
    {
      names: ["report", "baocao"],
      startsForm: true,
      audience: ["LEAD", "FOCAL"],
      helpKey: "report",
      run: startReport,
    },
    {
      names: ["status", "tinhhinh"],
      audience: "member",
      helpKey: "status",
      run: status,
    },
  ],
  flows: [reportFlow, filePhotosFlow],
  onMedia: quickPhotoReport,
};
