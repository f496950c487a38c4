import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { strFromU8, unzipSync } from "fflate";

/*
 * An export's seal. manifest.sha256 lists every file of the export, one
 * "<sha256>  <name>" line each (sha256sum's format, so `sha256sum -c` checks it too),
 * the main XLSX last. The XLSX cannot hold the hash of a manifest that lists the XLSX,
 * so what its first sheet prints is the hash of the manifest's other lines: each file
 * is then checked against its line, and those lines against the seal on the sheet.
 */

export const MANIFEST_NAME = "manifest.sha256";

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const line = (sha: string, name: string) => `${sha}  ${name}\n`;
const sealOfText = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The lines for every file but the sealed XLSX, and the seal the XLSX will print. */
export async function sealFiles(files: { fileName: string; path: string }[]) {
  let text = "";
  for (const file of files) text += line(await sha256Of(file.path), file.fileName);
  return { text, seal: sealOfText(text) };
}

/** Writes manifest.sha256: the sealed lines, then the XLSX that prints their seal. */
export async function writeManifest(
  dir: string,
  sealed: { text: string },
  xlsx: { fileName: string; path: string },
): Promise<string> {
  const path = join(dir, MANIFEST_NAME);
  writeFileSync(path, sealed.text + line(await sha256Of(xlsx.path), xlsx.fileName), {
    mode: 0o600,
  });
  return path;
}

export interface Verdict {
  intact: boolean;
  seal: string | null;
  /** Files whose bytes are not the ones the manifest lists. */
  changed: string[];
  missing: string[];
  /** Files in the folder the export never had. */
  unlisted: string[];
  /** The manifest's lines no longer match the seal its XLSX prints. */
  manifestChanged: boolean;
}

const LINE = /^([0-9a-f]{64}) [ *](.+)$/;

/** Checks an export's folder against its manifest.sha256 and the seal in its XLSX. */
export async function verifyExport(dir: string): Promise<Verdict> {
  const manifestPath = join(dir, MANIFEST_NAME);
  if (!existsSync(manifestPath)) throw new Error(`no ${MANIFEST_NAME} in ${dir}`);
  const lines = readFileSync(manifestPath, "utf8").split("\n").filter(Boolean);
  const entries = lines.map((text) => {
    const m = LINE.exec(text);
    // A file name with a path in it would check files outside the export.
    if (!m || basename(m[2] as string) !== m[2]) {
      throw new Error(`${MANIFEST_NAME} is not an export's manifest: "${text.slice(0, 80)}"`);
    }
    return { sha: m[1] as string, name: m[2] as string };
  });
  const changed: string[] = [];
  const missing: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (!existsSync(path) || !statSync(path).isFile()) missing.push(entry.name);
    else if ((await sha256Of(path)) !== entry.sha) changed.push(entry.name);
  }
  const listed = new Set([MANIFEST_NAME, ...entries.map((e) => e.name)]);
  const unlisted = readdirSync(dir).filter((name) => !listed.has(name));

  const sealedXlsx = entries.at(-1);
  const seal = sealOfText(
    lines
      .slice(0, -1)
      .map((text) => `${text}\n`)
      .join(""),
  );
  // A changed or missing XLSX is named as such: its seal can then tell nothing more.
  const xlsxIntact =
    sealedXlsx !== undefined &&
    !missing.includes(sealedXlsx.name) &&
    !changed.includes(sealedXlsx.name);
  const manifestChanged = xlsxIntact && !sheetPrints(join(dir, sealedXlsx.name), seal);
  return {
    intact:
      !manifestChanged && changed.length === 0 && missing.length === 0 && unlisted.length === 0,
    seal: xlsxIntact && !manifestChanged ? seal : null,
    changed,
    missing,
    unlisted,
    manifestChanged,
  };
}

/** Whether the workbook's first sheet carries the seal. */
function sheetPrints(path: string, seal: string): boolean {
  try {
    const sheet = unzipSync(readFileSync(path), {
      filter: (f) => f.name === "xl/worksheets/sheet1.xml",
    })["xl/worksheets/sheet1.xml"];
    return sheet ? strFromU8(sheet).includes(seal) : false;
  } catch {
    return false;
  }
}
