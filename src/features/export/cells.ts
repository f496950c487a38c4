/*
 * What a cell may hold in the review files. XML 1.0 cannot carry some characters
 * (controls, U+FFFE, U+FFFF, half a surrogate pair): one of them in a note made the
 * whole workbook unreadable. In CSV, a cell that starts like a formula is run by
 * spreadsheets (=HYPERLINK(…)): it is kept as text with a leading apostrophe.
 */

export type Cell = string | number | null;

const NOT_IN_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export const cleanText = (text: string) => text.replace(NOT_IN_XML, "");

const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  let text = cleanText(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line, CRLF-terminated. */
export const csvLine = (cells: Cell[]) => `${cells.map(csvCell).join(",")}\r\n`;
