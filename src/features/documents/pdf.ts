import { createWriteStream } from "node:fs";
import { FONT_FILES } from "./fonts.ts";
import type { Column, DocSpec } from "./layout.ts";
import { MARGINS_MM, MOTTO, MOTTO_LINE2, mm, SIZES } from "./layout.ts";

/*
 * The PDF of a document (pdfkit, fonts embedded from assets/fonts). Tables are drawn
 * row by row: a row that does not fit starts a new page, which repeats the header.
 * Page numbers go top centre from page 2 (Nghị định 30), once every page exists.
 */

type Pdf = PDFKit.PDFDocument;
type Face = keyof typeof FONT_FILES;

/** pdfkit is loaded on the first document, not at start (it brings fontkit). */
const loadPdfKit = async () => (await import("pdfkit")).default;

const CELL_PAD = 3;

export async function renderPdf(spec: DocSpec, path: string): Promise<void> {
  const PDFDocument = await loadPdfKit();
  const margins = {
    top: mm(MARGINS_MM.top),
    bottom: mm(MARGINS_MM.bottom),
    left: mm(MARGINS_MM.left),
    right: mm(MARGINS_MM.right),
  };
  const doc: Pdf = new PDFDocument({
    size: "A4",
    layout: spec.landscape ? "landscape" : "portrait",
    margins,
    bufferPages: true,
    info: { Title: spec.title, Author: spec.issuer, Creator: "thidua-bot" },
    // Deterministic bytes for the same content would need a fixed date; the manifest seals what was made.
  });
  for (const [face, file] of Object.entries(FONT_FILES)) doc.registerFont(face, file);
  const out = createWriteStream(path, { mode: 0o600 });
  const done = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("error", reject);
  });
  doc.pipe(out);

  const font = (face: Face, size: number) => doc.font(face).fontSize(size);
  const left = margins.left;
  const width = doc.page.width - margins.left - margins.right;

  // The header: two columns, the issuer over "Số", the motto over the place and date.
  const leftWidth = width * 0.38;
  const rightX = left + width * 0.4;
  const rightWidth = width * 0.6;
  const top = margins.top;
  font("bold", SIZES.issuer).text(spec.issuer.toUpperCase(), left, top, {
    width: leftWidth,
    align: "center",
  });
  let leftY = doc.y;
  rule(doc, left + leftWidth / 2 - 30, leftY + 2, 60);
  leftY += 6;
  font("regular", SIZES.body).text(spec.number, left, leftY, { width: leftWidth, align: "center" });
  leftY = doc.y;
  font("bold", SIZES.motto).text(MOTTO, rightX, top, { width: rightWidth, align: "center" });
  font("bold", SIZES.mottoLine2).text(MOTTO_LINE2, rightX, doc.y, {
    width: rightWidth,
    align: "center",
  });
  const mottoWidth = doc.widthOfString(MOTTO_LINE2);
  rule(doc, rightX + (rightWidth - mottoWidth) / 2, doc.y + 2, mottoWidth);
  font("italic", SIZES.body).text(spec.placeDate, rightX, doc.y + 8, {
    width: rightWidth,
    align: "center",
  });
  let y = Math.max(leftY, doc.y) + 16;

  font("bold", SIZES.title).text(spec.title.toUpperCase(), left, y, { width, align: "center" });
  for (const line of spec.subtitle) {
    font("bold", SIZES.body).text(line, left, doc.y, { width, align: "center" });
  }
  y = doc.y + 12;
  doc.x = left;
  doc.y = y;

  const bottom = () => doc.page.height - margins.bottom;
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) {
      doc.addPage();
      doc.x = left;
      doc.y = margins.top;
    }
  };

  for (const block of spec.blocks) {
    if (block.kind === "heading") {
      font("bold", SIZES.body);
      ensure(doc.heightOfString(block.text, { width }) + 20);
      doc.text(block.text, left, doc.y + 4, { width, align: "left" });
    } else if (block.kind === "paragraph") {
      font(block.italic ? "italic" : "regular", SIZES.body);
      doc.text(block.text, left, doc.y + 3, { width, align: "justify", indent: mm(10) });
    } else if (block.kind === "placeholder") {
      font("italic", SIZES.body);
      doc.text(`${block.text}`, left, doc.y + 3, { width, indent: mm(10) });
      font("regular", SIZES.body);
      const dots = ".".repeat(Math.floor(width / doc.widthOfString(".")) - 2);
      for (let i = 0; i < 3; i++) doc.text(dots, left, doc.y, { width, lineBreak: false });
      doc.y += 2;
    } else {
      drawTable(doc, block, left, width, bottom, margins.top);
    }
  }

  // Signature (right) and "Nơi nhận" (left), kept together on one page; with a second
  // signer, they sign side by side and "Nơi nhận" follows under the room to sign.
  const cosigner = spec.cosigner;
  const sigHeight = 130 + spec.recipients.lines.length * 14 + (cosigner ? 110 : 0);
  ensure(Math.min(sigHeight, bottom() - margins.top));
  const sigTop = doc.y + 14;
  font("bold", SIZES.body).text(spec.signature.role.toUpperCase(), rightX, sigTop, {
    width: rightWidth,
    align: "center",
  });
  font("italic", SIZES.body).text(spec.signature.hint, rightX, doc.y, {
    width: rightWidth,
    align: "center",
  });
  let recipientsTop = sigTop + 2;
  if (cosigner) {
    font("bold", SIZES.body).text(cosigner.role.toUpperCase(), left, sigTop, {
      width: leftWidth,
      align: "center",
    });
    font("italic", SIZES.body).text(cosigner.hint, left, doc.y, {
      width: leftWidth,
      align: "center",
    });
    recipientsTop = Math.max(doc.y, sigTop) + 90;
  }
  font("boldItalic", SIZES.recipientsTitle).text(spec.recipients.title, left, recipientsTop, {
    width: leftWidth,
  });
  font("regular", SIZES.recipients);
  for (const line of spec.recipients.lines) {
    doc.text(`- ${line}`, left, doc.y, { width: leftWidth });
  }

  // Page numbers: top centre, from the second page.
  const range = doc.bufferedPageRange();
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const keep = doc.page.margins.top;
    doc.page.margins.top = 0;
    font("regular", SIZES.pageNumber).text(String(i + 1), left, mm(8), {
      width,
      align: "center",
      lineBreak: false,
    });
    doc.page.margins.top = keep;
  }
  doc.end();
  await done;
}

function rule(doc: Pdf, x: number, y: number, length: number) {
  doc
    .moveTo(x, y)
    .lineTo(x + length, y)
    .lineWidth(0.6)
    .stroke();
}

/** A table whose rows break across pages, the header drawn again on each. */
function drawTable(
  doc: Pdf,
  { columns, rows, small }: { columns: Column[]; rows: string[][]; small?: boolean },
  left: number,
  width: number,
  bottom: () => number,
  pageTop: number,
) {
  const size = small ? SIZES.tableSmall : SIZES.table;
  const total = columns.reduce((s, c) => s + c.width, 0);
  const widths = columns.map((c) => (c.width / total) * width);
  const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const heightOf = (cells: string[], face: Face) => {
    doc.font(face).fontSize(size);
    return (
      Math.max(
        ...cells.map((text, i) =>
          doc.heightOfString(text || " ", { width: (widths[i] ?? 0) - 2 * CELL_PAD }),
        ),
      ) +
      2 * CELL_PAD
    );
  };
  const drawRow = (cells: string[], y: number, height: number, face: Face) => {
    doc.font(face).fontSize(size);
    cells.forEach((text, i) => {
      const x = xs[i] ?? left;
      const w = widths[i] ?? 0;
      doc.rect(x, y, w, height).lineWidth(0.5).stroke();
      doc.text(text, x + CELL_PAD, y + CELL_PAD, {
        width: w - 2 * CELL_PAD,
        height: height - 2 * CELL_PAD,
        ellipsis: true,
        align: face === "bold" ? "center" : (columns[i]?.align ?? "left"),
      });
    });
  };
  const header = columns.map((c) => c.title);
  const headerHeight = heightOf(header, "bold");
  let y = doc.y + 4;
  const startPage = () => {
    drawRow(header, y, headerHeight, "bold");
    y += headerHeight;
  };
  if (y + headerHeight * 2 > bottom()) {
    doc.addPage();
    y = pageTop;
  }
  startPage();
  for (const row of rows) {
    // A row taller than a page (a very long name) is cut at the page's height, never lost.
    const height = Math.min(heightOf(row, "regular"), bottom() - pageTop - headerHeight);
    if (y + height > bottom()) {
      doc.addPage();
      y = pageTop;
      startPage();
    }
    drawRow(row, y, height, "regular");
    y += height;
  }
  doc.x = left;
  doc.y = y + 6;
}
