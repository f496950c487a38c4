import { writeFileSync } from "node:fs";
import { DOCX_FONT } from "./fonts.ts";
import type { Column, DocSpec } from "./layout.ts";
import { A4_MM, MARGINS_MM, MOTTO, MOTTO_LINE2, SIZES, twip } from "./layout.ts";

/*
 * The DOCX of a document (the `docx` package), for the office to edit, print and sign.
 * The header's two columns are a table without borders, as Word templates of Nghị
 * định 30 do; a table's first row repeats on every page (tableHeader); page numbers
 * are a field in the page header, missing on the first page (titlePage).
 */

/** docx is loaded on the first document, not at start. */
const loadDocx = async () => import("docx");

const half = (pt: number) => Math.round(pt * 2);

export async function renderDocx(spec: DocSpec, path: string): Promise<void> {
  const d = await loadDocx();
  const none = { style: d.BorderStyle.NONE, size: 0, color: "FFFFFF" };
  const noBorders = {
    top: none,
    bottom: none,
    left: none,
    right: none,
    insideHorizontal: none,
    insideVertical: none,
  };
  const run = (text: string, size: number, style: { bold?: boolean; italics?: boolean } = {}) =>
    new d.TextRun({ text, size: half(size), font: DOCX_FONT, ...style });
  const centred = (
    text: string,
    size: number,
    style: { bold?: boolean; italics?: boolean } = {},
    extra: { underline?: boolean } = {},
  ) =>
    new d.Paragraph({
      alignment: d.AlignmentType.CENTER,
      children: [
        new d.TextRun({
          text,
          size: half(size),
          font: DOCX_FONT,
          ...style,
          ...(extra.underline ? { underline: { type: d.UnderlineType.SINGLE } } : {}),
        }),
      ],
    });

  const textWidthMm =
    (spec.landscape ? A4_MM.height : A4_MM.width) - MARGINS_MM.left - MARGINS_MM.right;
  const textWidth = twip(textWidthMm);
  const headerTable = new d.Table({
    width: { size: textWidth, type: d.WidthType.DXA },
    columnWidths: [Math.round(textWidth * 0.4), Math.round(textWidth * 0.6)],
    borders: noBorders,
    rows: [
      new d.TableRow({
        children: [
          new d.TableCell({
            width: { size: Math.round(textWidth * 0.4), type: d.WidthType.DXA },
            borders: noBorders,
            children: [
              centred(spec.issuer.toUpperCase(), SIZES.issuer, { bold: true }, { underline: true }),
              centred(spec.number, SIZES.body),
            ],
          }),
          new d.TableCell({
            width: { size: Math.round(textWidth * 0.6), type: d.WidthType.DXA },
            borders: noBorders,
            children: [
              centred(MOTTO, SIZES.motto, { bold: true }),
              centred(MOTTO_LINE2, SIZES.mottoLine2, { bold: true }, { underline: true }),
              centred(spec.placeDate, SIZES.body, { italics: true }),
            ],
          }),
        ],
      }),
    ],
  });

  const body: (InstanceType<typeof d.Paragraph> | InstanceType<typeof d.Table>)[] = [
    headerTable,
    new d.Paragraph({ children: [] }),
    centred(spec.title.toUpperCase(), SIZES.title, { bold: true }),
    ...spec.subtitle.map((line) => centred(line, SIZES.body, { bold: true })),
    new d.Paragraph({ children: [] }),
  ];
  for (const block of spec.blocks) {
    if (block.kind === "heading") {
      body.push(
        new d.Paragraph({
          spacing: { before: 120, after: 60 },
          keepNext: true,
          children: [run(block.text, SIZES.body, { bold: true })],
        }),
      );
    } else if (block.kind === "paragraph") {
      body.push(
        new d.Paragraph({
          alignment: d.AlignmentType.JUSTIFIED,
          indent: { firstLine: twip(10) },
          spacing: { after: 60 },
          children: [run(block.text, SIZES.body, { italics: block.italic })],
        }),
      );
    } else if (block.kind === "placeholder") {
      body.push(
        new d.Paragraph({
          indent: { firstLine: twip(10) },
          children: [run(block.text, SIZES.body, { italics: true })],
        }),
        ...[0, 1, 2].map(() => new d.Paragraph({ children: [run(".".repeat(95), SIZES.body)] })),
      );
    } else {
      body.push(
        table(
          d,
          block.columns,
          block.rows,
          textWidth,
          block.small ? SIZES.tableSmall : SIZES.table,
        ),
      );
    }
  }

  const leftWidth = Math.round(textWidth * 0.45);
  const recipients = [
    new d.Paragraph({
      children: [run(spec.recipients.title, SIZES.recipientsTitle, { bold: true, italics: true })],
    }),
    ...spec.recipients.lines.map(
      (line) => new d.Paragraph({ children: [run(`- ${line}`, SIZES.recipients)] }),
    ),
  ];
  body.push(
    new d.Paragraph({ children: [] }),
    new d.Table({
      width: { size: textWidth, type: d.WidthType.DXA },
      columnWidths: [leftWidth, textWidth - leftWidth],
      borders: noBorders,
      rows: [
        new d.TableRow({
          cantSplit: true,
          children: [
            new d.TableCell({
              width: { size: leftWidth, type: d.WidthType.DXA },
              borders: noBorders,
              children: spec.cosigner
                ? [
                    centred(spec.cosigner.role.toUpperCase(), SIZES.body, { bold: true }),
                    centred(spec.cosigner.hint, SIZES.body, { italics: true }),
                  ]
                : recipients,
            }),
            new d.TableCell({
              width: { size: textWidth - leftWidth, type: d.WidthType.DXA },
              borders: noBorders,
              children: [
                centred(spec.signature.role.toUpperCase(), SIZES.body, { bold: true }),
                centred(spec.signature.hint, SIZES.body, { italics: true }),
              ],
            }),
          ],
        }),
      ],
    }),
  );
  if (spec.cosigner) {
    // Room to sign, then "Nơi nhận" under both signers.
    body.push(...[0, 1, 2, 3].map(() => new d.Paragraph({ children: [] })), ...recipients);
  }

  const document = new d.Document({
    creator: "thidua-bot",
    title: spec.title,
    styles: {
      default: { document: { run: { font: DOCX_FONT, size: half(SIZES.body) } } },
    },
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: {
              width: twip(A4_MM.width),
              height: twip(A4_MM.height),
              orientation: spec.landscape
                ? d.PageOrientation.LANDSCAPE
                : d.PageOrientation.PORTRAIT,
            },
            margin: {
              top: twip(MARGINS_MM.top),
              bottom: twip(MARGINS_MM.bottom),
              left: twip(MARGINS_MM.left),
              right: twip(MARGINS_MM.right),
              header: twip(8),
              footer: twip(8),
            },
          },
        },
        headers: {
          default: new d.Header({
            children: [
              new d.Paragraph({
                alignment: d.AlignmentType.CENTER,
                children: [
                  new d.TextRun({
                    children: [d.PageNumber.CURRENT],
                    size: half(SIZES.pageNumber),
                    font: DOCX_FONT,
                  }),
                ],
              }),
            ],
          }),
          first: new d.Header({ children: [new d.Paragraph({ children: [] })] }),
        },
        children: body,
      },
    ],
  });
  writeFileSync(path, await d.Packer.toBuffer(document), { mode: 0o600 });
}

function table(
  d: typeof import("docx"),
  columns: Column[],
  rows: string[][],
  textWidth: number,
  size: number,
) {
  const total = columns.reduce((s, c) => s + c.width, 0);
  const widths = columns.map((c) => Math.round((c.width / total) * textWidth));
  const align = (a: Column["align"]) =>
    a === "right"
      ? d.AlignmentType.RIGHT
      : a === "center"
        ? d.AlignmentType.CENTER
        : d.AlignmentType.LEFT;
  const cell = (text: string, i: number, header: boolean) =>
    new d.TableCell({
      width: { size: widths[i] ?? 0, type: d.WidthType.DXA },
      margins: { top: 30, bottom: 30, left: 60, right: 60 },
      children: [
        new d.Paragraph({
          alignment: header ? d.AlignmentType.CENTER : align(columns[i]?.align),
          children: [new d.TextRun({ text, bold: header, size: half(size), font: DOCX_FONT })],
        }),
      ],
    });
  return new d.Table({
    width: { size: textWidth, type: d.WidthType.DXA },
    columnWidths: widths,
    rows: [
      new d.TableRow({
        tableHeader: true,
        cantSplit: true,
        children: columns.map((c, i) => cell(c.title, i, true)),
      }),
      ...rows.map(
        (r) =>
          new d.TableRow({ cantSplit: true, children: r.map((text, i) => cell(text, i, false)) }),
      ),
    ],
  });
}
