import { copyFileSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { App } from "../../app.ts";
import { type Verdict, verifyExport } from "../../features/export/seal.ts";
import { AdminError, type AdminResult } from "../adminResult.ts";
import { type AdminVerb, id, text } from "../adminVerb.ts";

async function exportCampaign(app: App, campaignId: number, out = "."): Promise<AdminResult> {
  const row = await app.services.campaigns.findAnyBloc(campaignId);
  const bloc = await app.services.blocs.getBloc(row.blocId);
  const built = await app.services.exports.build(row, bloc.timezone, app.translator.for("vi"));
  mkdirSync(out, { recursive: true });
  const paths = built.files.map((file) => {
    const path = resolve(out, file.fileName);
    copyFileSync(file.path, path);
    return path;
  });
  return {
    json: { campaignId, rows: built.rows, photos: built.photos, files: paths },
    text: [`${built.rows} rows, ${built.photos} photos`, ...paths].join("\n"),
  };
}

/** Exits 1 unless the folder is the export it was: scripts can rely on the code. */
async function verifyFolder(folder: string): Promise<AdminResult> {
  let verdict: Verdict;
  try {
    verdict = await verifyExport(resolve(folder));
  } catch (error) {
    throw new AdminError(error instanceof Error ? error.message : String(error));
  }
  if (verdict.intact) {
    return { json: verdict, text: `intact: every file as exported (seal ${verdict.seal})` };
  }
  throw new AdminError(
    [
      "NOT intact:",
      ...verdict.changed.map((name) => `changed: ${name}`),
      ...verdict.missing.map((name) => `missing: ${name}`),
      ...verdict.unlisted.map((name) => `not in the export: ${name}`),
      ...(verdict.manifestChanged
        ? ["changed: manifest.sha256 (its lines no longer match the seal the XLSX prints)"]
        : []),
    ].join("\n"),
  );
}

/** A campaign's export to a folder, and the check that a folder is still the export it was. */
export const exportVerbs: AdminVerb[] = [
  {
    words: "export verify",
    args: "<folder>",
    does: "intact, or which file changed, is missing or was added",
    run: ({ args }) => verifyFolder(text("folder", args)),
  },
  {
    words: "export",
    args: "<campaignId> [--out <folder>]",
    options: ["out"],
    run: ({ app, args, options }) => exportCampaign(app, id("campaignId", args[0]), options.out),
  },
];
