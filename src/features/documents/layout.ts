import { cleanText } from "../export/cells.ts";

/*
 * One document, as both renderers (pdf.ts, docx.ts) lay it out per Nghị định
 * 30/2020/NĐ-CP, Phụ lục I: the issuing body and "Số" top left, the national motto
 * top right, the place and date, the title, the body, the signature and "Nơi nhận".
 * Builders fill this; they never draw.
 */

export type Block =
  | { kind: "heading"; text: string }
  | { kind: "paragraph"; text: string; italic?: boolean }
  /** Left for the secretariat to write: shown as a dotted line with its hint. */
  | { kind: "placeholder"; text: string }
  /** `small`: 9 pt, for a column that must hold a SHA-256 on one line. */
  | { kind: "table"; columns: Column[]; rows: string[][]; small?: boolean };

export interface Column {
  title: string;
  /** Share of the text width. */
  width: number;
  align?: "left" | "center" | "right";
}

export interface DocSpec {
  /** File name without extension (ASCII). */
  name: string;
  /** The bloc, as the issuing body. */
  issuer: string;
  /** "Số: …/BB-KTĐ" */
  number: string;
  /** "…, ngày 7 tháng 12 năm 2026" */
  placeDate: string;
  title: string;
  subtitle: string[];
  landscape?: boolean;
  blocks: Block[];
  signature: { role: string; hint: string };
  /** A second signer on the left (a meeting's secretary); "Nơi nhận" then goes below both. */
  cosigner?: { role: string; hint: string };
  recipients: { title: string; lines: string[] };
}

/**
 * Text as a document may hold it: NFC (decomposed accents collide in PDF and DOCX
 * alike), no character XML 1.0 forbids, line breaks and tabs as spaces.
 */
export const docText = (text: string) =>
  cleanText(text.normalize("NFC"))
    .replace(/[\r\n\t\u2028\u2029]+/g, " ")
    .trim();

/** Every string of a spec through docText, once, before either renderer sees it. */
export function normalised(spec: DocSpec): DocSpec {
  const blocks = spec.blocks.map((b): Block => {
    if (b.kind === "table") {
      return {
        kind: "table",
        small: b.small,
        columns: b.columns.map((c) => ({ ...c, title: docText(c.title) })),
        rows: b.rows.map((r) => r.map(docText)),
      };
    }
    return { ...b, text: docText(b.text) };
  });
  return {
    ...spec,
    issuer: docText(spec.issuer),
    number: docText(spec.number),
    placeDate: docText(spec.placeDate),
    title: docText(spec.title),
    subtitle: spec.subtitle.map(docText),
    blocks,
    signature: { role: docText(spec.signature.role), hint: docText(spec.signature.hint) },
    ...(spec.cosigner
      ? { cosigner: { role: docText(spec.cosigner.role), hint: docText(spec.cosigner.hint) } }
      : {}),
    recipients: {
      title: docText(spec.recipients.title),
      lines: spec.recipients.lines.map(docText),
    },
  };
}

/** Millimetres to PDF points and to Word's twentieths of a point. */
export const mm = (n: number) => (n * 72) / 25.4;
export const twip = (n: number) => Math.round((n * 1440) / 25.4);

/** Nghị định 30: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm. */
export const MARGINS_MM = { top: 20, bottom: 20, left: 30, right: 15 } as const;
export const A4_MM = { width: 210, height: 297 } as const;

/** Sizes in points: body 13 (13–14), motto 12–13, tables 11 so a criterion fits a column. */
export const SIZES = {
  body: 13,
  motto: 12.5,
  mottoLine2: 13,
  issuer: 12.5,
  title: 14,
  table: 11,
  tableSmall: 9,
  recipients: 11,
  recipientsTitle: 12,
  pageNumber: 12,
} as const;

export const MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
export const MOTTO_LINE2 = "Độc lập - Tự do - Hạnh phúc";
