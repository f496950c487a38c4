import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { OutboundDocument } from "../../core/outbound.ts";
import { MANIFEST_NAME } from "./seal.ts";

/*
 * An export's folder as the chat names it: a file is asked for later by the folder's
 * name and its number in the export's list (what a button's data
 * can carry), and sent only if the folder is the campaign's and still there.
 */

/** The largest file sent into a chat: a phone on 4G (≈5 Mbit/s) takes it in about 30 s. */
export const PHONE_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** Folder names the export makes: `${Date.now()}-${8 hex}`. */
const FOLDER = /^\d{10,16}-[0-9a-f]{8}$/;

const MIME: Record<string, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv",
  zip: "application/zip",
};

export interface SizedFile {
  file: OutboundDocument;
  bytes: number;
}

/** The folder an export's files were written to, by name. */
export const folderOf = (files: OutboundDocument[]): string =>
  basename(dirname(files[0]?.path ?? ""));

/** Where a file comes in the list: the spreadsheet, the CSV, the scores, the photos, the manifest. */
const rank = (name: string) =>
  name === MANIFEST_NAME
    ? 4
    : name.endsWith(".zip")
      ? 3
      : name.endsWith("ket-qua-cham-diem.xlsx")
        ? 2
        : name.endsWith(".csv")
          ? 1
          : 0;

/**
 * The export's files with their sizes, in one order whatever lists them (the answer
 * numbers them so, and a request names that number): by kind, then by name with the
 * parts' numbers read as numbers.
 */
export function sized(files: OutboundDocument[]): SizedFile[] {
  return [...files]
    .sort(
      (a, b) =>
        rank(a.fileName) - rank(b.fileName) ||
        a.fileName.localeCompare(b.fileName, "en", { numeric: true }),
    )
    .map((file) => ({ file, bytes: statSync(file.path).size }));
}

/**
 * The files of `folder` under `exportsDir` if it holds an export of `campaignId`
 * (its files are named `thidua-<id>-…`), in the list's order; empty when it is gone.
 */
export function folderFiles(exportsDir: string, campaignId: number, folder: string): SizedFile[] {
  if (!FOLDER.test(folder)) return [];
  const dir = join(exportsDir, folder);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const prefix = `thidua-${campaignId}-`;
  if (!names.some((name) => name.startsWith(prefix))) return [];
  const files = names
    .filter((name) => name.startsWith(prefix) || name === MANIFEST_NAME)
    .map((fileName) => ({
      fileName,
      mimeType: MIME[fileName.split(".").pop() ?? ""] ?? "text/plain",
      path: join(dir, fileName),
    }));
  return sized(files);
}

/** "850 KB", "12,4 MB": what a phone will download, in the reader's decimal sign. */
export function fileSize(bytes: number, language: string): string {
  const comma = (n: string) => (language === "vi" ? n.replace(".", ",") : n);
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${comma((bytes / 1024 / 1024).toFixed(1))} MB`;
}
