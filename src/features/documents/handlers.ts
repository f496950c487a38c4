import { commandChoice } from "../../core/commandChoice.ts";
import type { Feature } from "../../core/commands.ts";
import type { HandlerContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Services } from "../services.ts";
import { optionLabel } from "./labels.ts";
import { parsePeriod, periodArgs } from "./period.ts";
import type { Pack } from "./service.ts";

type Ctx = HandlerContext<Services>;

const COMMAND = "tongket";

/**
 * /tongket: without an argument, the periods that can be made (numbered on Zalo,
 * buttons on Telegram); with one, the pack: the files where the app carries
 * documents, signed links everywhere. The documents are in Vietnamese whatever the
 * reader's language: they are the bloc's official papers.
 */
async function reportPack(ctx: Ctx, args: string): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const service = ctx.services.documents;
  if (!args.trim()) {
    const options = await service.options(actor.blocId);
    if (options.length === 0) {
      ctx.reply(ctx.t("documents:nothing"));
      return;
    }
    ctx.reply({
      text: ctx.t("documents:pick_period"),
      choices: options.map((o) =>
        commandChoice(COMMAND, periodArgs(o.period), optionLabel(ctx, o)),
      ),
    });
    return;
  }
  const period = parsePeriod(args);
  if (!period) {
    ctx.reply(ctx.t("documents:bad_period", { input: args.trim().slice(0, 40) }));
    return;
  }
  const pack = await service.build(actor.blocId, period, ctx.services.translate("vi"));
  const files = service.downloadLinks(pack.files);
  const label = (kind: string) => ctx.t(`documents:name.${kind}`);
  ctx.reply({
    text: [
      ctx.t("documents:ready", {
        period: lowerFirst(periodText(ctx, pack)),
        count: pack.documents.length,
      }),
      ...pack.documents.map((d, i) => `${i + 1}. ${label(d.kind)}`),
      ...(pack.notOffered.includes("proposal") ? ["", ctx.t("documents:no_proposal")] : []),
      "",
      ctx.t("documents:links", {
        until: formatDateTime(service.linksExpireAt(), actor.timezone),
      }),
      ...files.map(({ file, url }) => `• ${file.fileName}\n${url}`),
      ...(ctx.services.publicAddress.linksReach(ctx.capabilities)
        ? []
        : ["", ctx.t("common:links_local_only")]),
    ].join("\n"),
    ...(ctx.capabilities.documents
      ? { documents: files.map(({ file, url }) => ({ ...file, url })) }
      : {}),
  });
}

const lowerFirst = (text: string) => text.charAt(0).toLocaleLowerCase("vi") + text.slice(1);

function periodText(ctx: Ctx, pack: Pack): string {
  const period = pack.period;
  if (period.kind === "year") return ctx.t("documents:period_year", { year: period.year });
  if (period.kind === "half") {
    return ctx.t(`documents:period_half_${period.half}`, { year: period.year });
  }
  return ctx.t("documents:period_campaign", { title: pack.facts.campaigns[0]?.title ?? "" });
}

export const documentsFeature: Feature<Services> = {
  commands: [
    {
      names: ["report-pack", COMMAND],
      audience: ["LEAD"],
      helpKey: "report_pack",
      run: reportPack,
    },
  ],
};
