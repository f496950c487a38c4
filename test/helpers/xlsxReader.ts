import { strFromU8, unzipSync } from "fflate";

/** Reads back the first sheet of an XLSX file as rows of strings (inline strings and numbers). */
export function readXlsx(bytes: Uint8Array): string[][] {
  const files = unzipSync(bytes);
  const sheet = files["xl/worksheets/sheet1.xml"];
  if (!sheet) throw new Error("no sheet1 in the workbook");
  const xml = strFromU8(sheet);
  const unescapeXml = (s: string) =>
    s
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&");
  return [...xml.matchAll(/<row [^>]*>(.*?)<\/row>/g)].map(([, row = ""]) =>
    [...row.matchAll(/<c [^>]*?(?:\/>|>(.*?)<\/c>)/g)].map(([, inner = ""]) => {
      const text = /<t[^>]*>(.*?)<\/t>/.exec(inner)?.[1] ?? /<v>(.*?)<\/v>/.exec(inner)?.[1] ?? "";
      return unescapeXml(text);
    }),
  );
}
