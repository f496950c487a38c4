import { commandChoice } from "../../core/commandChoice.ts";
import type { Feature } from "../../core/commands.ts";
import type { HandlerContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import type { Choice } from "../../core/outbound.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { whichCampaign } from "../campaigns/pick.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import type { Services } from "../services.ts";
import { fileSize, folderOf, PHONE_DOCUMENT_BYTES, type SizedFile, sized } from "./folder.ts";

type Ctx = HandlerContext<Services>;

/*
 * /export answers with links first: each file's signed link and size, which a phone
 * opens in its browser (a download there resumes; 870 MB of ZIP parts pushed into a
 * chat did not). Where the app carries documents (Telegram, the console), a button per
 * file a phone can take (≤ 20 MB) sends it into the chat, only when asked. Zalo bots
 * cannot send files at all: links only. A button runs `/export <campaign> <folder>
 * <n|all>`, what the lead could have typed.
 */

const COMMAND = "export";
/** What a request names: the campaign, the export's folder, a file's number or every small one. */
const REQUEST = /^(\d+)\s+(\d{10,16}-[0-9a-f]{8})\s+(\d{1,3}|all)$/;

async function exportCampaign(ctx: Ctx, args: string): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new AppError("not_linked");
  const request = REQUEST.exec(args.trim());
  if (request) return sendFiles(ctx, Number(request[1]), request[2] ?? "", request[3] ?? "");
  const resolved = await ctx.services.campaigns.resolve(actor.blocId, args);
  if (Array.isArray(resolved)) {
    ctx.reply(whichCampaign(ctx.t, COMMAND, resolved));
    return;
  }
  await build(ctx, resolved);
}

const linkLines = (ctx: Ctx, files: SizedFile[]) =>
  ctx.services.exports.downloadLinks(files.map((f) => f.file)).map(({ file, url }, i) =>
    ctx.t("export:link_line", {
      n: i + 1,
      name: file.fileName,
      size: fileSize(files[i]?.bytes ?? 0, ctx.language),
      url,
    }),
  );

async function build(ctx: Ctx, campaign: CampaignSummary): Promise<void> {
  const actor = ctx.actor;
  if (!actor) return;
  const result = await ctx.services.exports.build(campaign, actor.timezone, ctx.t);
  const files = sized(result.files);
  const folder = folderOf(result.files);
  const small = files
    .map((f, i) => ({ ...f, n: i + 1 }))
    .filter((f) => f.bytes <= PHONE_DOCUMENT_BYTES);
  const size = (bytes: number) => fileSize(bytes, ctx.language);
  const choices: Choice[] = ctx.capabilities.documents
    ? [
        ...small.map((f) =>
          commandChoice(
            COMMAND,
            `${campaign.id} ${folder} ${f.n}`,
            ctx.t("export:send_one", { n: f.n, size: size(f.bytes) }),
          ),
        ),
        ...(small.length > 1
          ? [
              commandChoice(
                COMMAND,
                `${campaign.id} ${folder} all`,
                ctx.t("export:send_all", {
                  count: small.length,
                  size: size(small.reduce((sum, f) => sum + f.bytes, 0)),
                }),
              ),
            ]
          : []),
      ]
    : [];
  ctx.reply({
    text: [
      ctx.t("progress:export_ready", {
        title: campaign.title,
        rows: result.rows,
        photos: result.photos,
      }),
      ctx.t("progress:export_links", {
        until: formatDateTime(ctx.services.exports.linksExpireAt(), actor.timezone),
      }),
      ...linkLines(ctx, files),
      ...(choices.length
        ? ["", ctx.t("export:ask_documents", { limit: size(PHONE_DOCUMENT_BYTES) })]
        : []),
      // Links to this machine's own address open nothing on a phone: say so.
      ...(ctx.services.publicAddress.linksReach(ctx.capabilities)
        ? []
        : ["", ctx.t("common:links_local_only")]),
    ].join("\n"),
    ...(choices.length ? { choices } : {}),
  });
}

/** The files a lead asked for: into the chat when the app takes files and a phone can. */
async function sendFiles(ctx: Ctx, campaignId: number, folder: string, which: string) {
  const actor = ctx.actor;
  if (!actor) return;
  const campaign = await ctx.services.campaigns.get(actor.blocId, campaignId);
  const files = ctx.services.exports.folderFiles(campaign.id, folder);
  if (files.length === 0) {
    ctx.reply(ctx.t("export:gone", { title: campaign.title }));
    return;
  }
  const asked = which === "all" ? files : files.slice(Number(which) - 1, Number(which));
  if (asked.length === 0) throw new AppError("not_found");
  const fitting = asked.filter((f) => f.bytes <= PHONE_DOCUMENT_BYTES);
  const tooBig = asked.filter((f) => f.bytes > PHONE_DOCUMENT_BYTES);
  const size = (bytes: number) => fileSize(bytes, ctx.language);
  const links = new Map(
    ctx.services.exports
      .downloadLinks(asked.map((f) => f.file))
      .map(({ file, url }) => [file.path, url]),
  );
  const lines = [
    ...(ctx.capabilities.documents && fitting.length
      ? [ctx.t("export:sending", { count: fitting.length, title: campaign.title })]
      : []),
    ...(ctx.capabilities.documents ? tooBig : asked).map((f) =>
      ctx.t(ctx.capabilities.documents ? "export:too_big" : "export:no_documents", {
        name: f.file.fileName,
        size: size(f.bytes),
        limit: size(PHONE_DOCUMENT_BYTES),
        url: links.get(f.file.path) ?? "",
      }),
    ),
  ];
  ctx.reply({
    text: lines.join("\n"),
    // Each with its link, given again should the document not arrive.
    ...(ctx.capabilities.documents && fitting.length
      ? { documents: fitting.map((f) => ({ ...f.file, url: links.get(f.file.path) ?? "" })) }
      : {}),
  });
}

export const exportFeature: Feature<Services> = {
  commands: [
    { names: ["export", "xuat"], audience: ["LEAD"], helpKey: "export", run: exportCampaign },
  ],
};
