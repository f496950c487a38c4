import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { fromProject } from "../../src/config.ts";

/*
 * Documents read back by tools that did not make them: poppler's pdftotext and
 * pdffonts (Debian's poppler-utils), LibreOffice headless, and the DOCX's XML.
 */

/** A PDF's text as pdftotext reads it, whitespace folded to single spaces. */
export const pdfText = (path: string) =>
  execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" }).replace(
    /\s+/g,
    " ",
  );

export const pdfPages = (path: string) =>
  Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [path], { encoding: "utf8" }))?.[1] ?? 0);

/** The page size in points and the box every word of the document sits in (pdftotext -bbox). */
export function pdfLayout(path: string) {
  const html = execFileSync("pdftotext", ["-bbox", path, "-"], { encoding: "utf8" });
  const page = /<page width="([\d.]+)" height="([\d.]+)"/.exec(html);
  const words = [
    ...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"/g),
  ].map((m) => m.slice(1, 5).map(Number) as [number, number, number, number]);
  return {
    width: Number(page?.[1] ?? 0),
    height: Number(page?.[2] ?? 0),
    left: Math.min(...words.map((w) => w[0])),
    right: Math.max(...words.map((w) => w[2])),
  };
}

/** Each page's text, in order. */
export const pdfPageTexts = (path: string) =>
  Array.from({ length: pdfPages(path) }, (_, i) =>
    execFileSync(
      "pdftotext",
      ["-enc", "UTF-8", "-f", String(i + 1), "-l", String(i + 1), path, "-"],
      {
        encoding: "utf8",
      },
    ).replace(/\s+/g, " "),
  );

/** pdffonts' rows: name, type, embedded. */
export function pdfFonts(path: string): { name: string; embedded: boolean }[] {
  const lines = execFileSync("pdffonts", [path], { encoding: "utf8" }).split("\n").slice(2);
  return lines
    .filter((l) => l.trim())
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      // name type [type…] encoding emb sub uni id gen: emb is 5th from the end.
      return { name: cols[0] ?? "", embedded: cols.at(-5) === "yes" };
    });
}

/** word/document.xml of a DOCX, and its text runs joined (a DOCX parser's view). */
export function docxXml(path: string): string {
  const files = unzipSync(readFileSync(path), { filter: (f) => f.name === "word/document.xml" });
  const xml = files["word/document.xml"];
  if (!xml) throw new Error(`${path} has no word/document.xml`);
  return strFromU8(xml);
}

const xmlUnescape = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

export function docxText(path: string): string {
  const xml = docxXml(path);
  const paragraphs = xml
    .split("</w:p>")
    .map((p) =>
      [...p.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
        .map((m) => xmlUnescape(m[1] ?? ""))
        .join(""),
    );
  return paragraphs.join(" ").replace(/\s+/g, " ");
}

/**
 * Converts DOCX files to PDF with LibreOffice headless, all in one run (it is slow to
 * start). The DOCX names Times New Roman, which LibreOffice maps to Liberation Serif
 * when it finds it: the repository's copy is given through fontconfig, so the layout
 * does not depend on the fonts of the machine (without it, DejaVu Serif, wider, broke
 * "Hạng" over two lines on a machine without fonts-liberation).
 */
export function officeToPdf(paths: string[], outDir: string, profileDir: string): void {
  mkdirSync(profileDir, { recursive: true });
  const fontsConf = join(profileDir, "fonts.conf");
  writeFileSync(
    fontsConf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>${fromProject("assets/fonts")}</dir>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <cachedir>${join(profileDir, "fontconfig-cache")}</cachedir>
</fontconfig>
`,
  );
  execFileSync(
    "soffice",
    [
      `-env:UserInstallation=file://${profileDir}`,
      "--headless",
      "--norestore",
      "--convert-to",
      "pdf",
      "--outdir",
      outDir,
      ...paths,
    ],
    { stdio: "pipe", timeout: 180_000, env: { ...process.env, FONTCONFIG_FILE: fontsConf } },
  );
}
