import { copyFileSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { App } from "../../app.ts";
import { type Period, parsePeriod } from "../../features/documents/period.ts";
import { AdminError, type AdminResult } from "../adminResult.ts";
import { type AdminVerb, text } from "../adminVerb.ts";

/** "2026", "h1 2026", "c7", or a bare campaign id (a number that is no year). */
function periodOf(what: string): Period {
  const bare = /^\d+$/.test(what) ? Number(what) : null;
  if (bare !== null && (bare < 2000 || bare > 2100)) return { kind: "campaign", campaignId: bare };
  const period = parsePeriod(what);
  if (!period)
    throw new AdminError(`"${what}" is not a year, a half ("h1 2026") or a campaign ("c7")`, 2);
  return period;
}

/** `documents`: the same pack /tongket makes, copied into a folder with its manifest. */
async function writeDocuments(
  app: App,
  what: string,
  bloc: string | undefined,
  out = ".",
): Promise<AdminResult> {
  const period = periodOf(what.trim());
  const blocId =
    period.kind === "campaign" && bloc === undefined
      ? (await app.services.campaigns.findAnyBloc(period.campaignId)).blocId
      : Number(bloc);
  if (!Number.isInteger(blocId) || blocId <= 0) {
    throw new AdminError(`--bloc must be a positive number, got "${bloc ?? ""}"`, 2);
  }
  await app.services.blocs.getBloc(blocId);
  const pack = await app.services.documents.build(blocId, period, app.translator.for("vi"));
  mkdirSync(out, { recursive: true });
  const paths = pack.files.map((file) => {
    const path = resolve(out, file.fileName);
    copyFileSync(file.path, path);
    return path;
  });
  return {
    json: {
      period,
      documents: pack.documents.map((d) => ({
        kind: d.kind,
        docx: d.docx.fileName,
        pdf: d.pdf.fileName,
      })),
      notOffered: pack.notOffered,
      files: paths,
    },
    text: [
      ...paths,
      ...(pack.notOffered.length
        ? [`not made (no ballot elected a unit): ${pack.notOffered.join(", ")}`]
        : []),
    ].join("\n"),
  };
}

export const documentsVerb: AdminVerb = {
  words: "documents",
  args: "<year|h1 year|c<campaignId>> --bloc <id> [--out <folder>]",
  does: "the tổng kết pack: DOCX and PDF of each document, and manifest.sha256",
  options: ["bloc", "out"],
  run: ({ app, args, options }) =>
    writeDocuments(app, text("period", args), options.bloc, options.out),
};
