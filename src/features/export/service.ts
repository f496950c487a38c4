import { randomUUID } from "node:crypto";
import { chmodSync, createWriteStream, mkdirSync, renameSync, type WriteStream } from "node:fs";
import { join, relative } from "node:path";
import { Zip, ZipPassThrough } from "fflate";
import type { OutboundDocument } from "../../core/outbound.ts";
import type { Db } from "../../db/client.ts";
import type { SignedLinks } from "../../http/signedLinks.ts";
import { formatDateTime, wallClockIn } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import type { EvidenceStore } from "../../storage/evidenceStore.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import { nearDuplicatesText, PROOF_FIELDS, proofValues } from "../evidence/proof.ts";
import { RecycledPhotos } from "../evidence/recycled.ts";
import type { CampaignRanking } from "../review/ranking.ts";
import { type Cell, cleanText, csvLine } from "./cells.ts";
import { MANIFEST_NAME, sealFiles, writeManifest } from "./seal.ts";

/** A file-name-safe slug: "Ban Tuyên giáo Tỉnh ủy" → "ban-tuyen-giao-tinh-uy". */
export function slug(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
}

/** Names made unique: the second "ban-a" becomes "ban-a-2". */
function uniqueNames<T>(items: T[], nameOf: (item: T) => string): Map<T, string> {
  const taken = new Set<string>();
  const out = new Map<T, string>();
  for (const item of items) {
    const base = nameOf(item) || "x";
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    out.set(item, name);
  }
  return out;
}

export interface CampaignExport {
  rows: number;
  photos: number;
  files: OutboundDocument[];
}

export interface ExportOptions {
  /** Largest ZIP part (Telegram takes documents up to 50 MB); more photos go to the next part. */
  maxPartBytes?: number;
}

const TELEGRAM_SAFE_PART = 45 * 1024 * 1024;
const UNITS_PER_SLICE = 500;

/**
 * A new file only the bot's user may read (0600; a umask can only take more away): exceljs
 * given a file name would create it 0644, readable by every account on the machine.
 */
const privateFile = (path: string) => createWriteStream(path, { mode: 0o600, flags: "wx" });

/** A ZIP written to a file as it goes: the photos never sit in memory together. */
class ZipFile {
  readonly #zip: Zip;
  readonly #out: WriteStream;
  readonly #done: Promise<void>;
  #lastWrite: Promise<void> = Promise.resolve();
  /** What the file will weigh: each entry's bytes, its local header and its directory entry. */
  bytes = 22;

  constructor(readonly path: string) {
    this.#out = privateFile(path);
    this.#zip = new Zip((error, chunk, final) => {
      if (error) {
        this.#out.destroy(error);
        return;
      }
      this.#lastWrite = new Promise((resolve) => this.#out.write(chunk, () => resolve()));
      if (final) this.#out.end();
    });
    this.#done = new Promise((resolve, reject) => {
      this.#out.on("finish", resolve);
      this.#out.on("error", reject);
    });
  }

  /**
   * Stored, not deflated: photos are compressed already. Each chunk is on disk before
   * the next is read, so photos never pile up in memory.
   */
  async add(name: string, chunks: AsyncIterable<Uint8Array> | Uint8Array[]): Promise<void> {
    const entry = new ZipPassThrough(name);
    this.bytes += 2 * Buffer.byteLength(name) + 46 + 30 + 16;
    this.#zip.add(entry);
    for await (const chunk of chunks) {
      this.bytes += chunk.length;
      entry.push(chunk, false);
      // Written before the next chunk is read: the store reuses one buffer.
      await this.#lastWrite;
    }
    entry.push(new Uint8Array(), true);
    await this.#lastWrite;
  }

  async close(): Promise<void> {
    this.#zip.end();
    await this.#done;
  }
}

/**
 * exceljs is loaded on the first export, not at start: it is the heaviest module the
 * bot has (≈130 ms and ≈25 MB), and most processes never export.
 */
const loadExcel = async () => (await import("exceljs")).default;

/**
 * The review files for a campaign, written to a folder under DATA_DIR/exports as they
 * are built: the spreadsheet (exceljs, streaming), the same rows as CSV, and the
 * photos in ZIP parts small enough for Telegram, each with a manifest. Every query
 * has a fixed number of parameters, whatever the size of the bloc.
 */
export class ExportService {
  constructor(
    private readonly db: Db,
    private readonly store: EvidenceStore,
    private readonly exportsDir: string,
    private readonly downloads: SignedLinks,
    /** The campaign's ranking, when it is scored (for the results sheet). */
    private readonly rankingOf: (campaign: CampaignSummary) => Promise<CampaignRanking | null>,
  ) {}

  /**
   * A signed link for each file, served by the bot's HTTP server until the link
   * expires (or the file is pruned): how an export reaches a lead on Zalo.
   */
  downloadLinks(files: OutboundDocument[]): { file: OutboundDocument; url: string }[] {
    return files.map((file) => ({
      file,
      url: this.downloads.url(relative(this.exportsDir, file.path)),
    }));
  }

  /** Until when a link made now works. */
  linksExpireAt(): Date {
    return this.downloads.expiresAt();
  }

  async build(
    campaign: CampaignSummary,
    timezone: string,
    t: Translate,
    options: ExportOptions = {},
  ): Promise<CampaignExport> {
    const maxPart = options.maxPartBytes ?? TELEGRAM_SAFE_PART;
    const dir = join(this.exportsDir, `${Date.now()}-${randomUUID().slice(0, 8)}`);
    // Exports hold every unit's reports and photos: the bot's own user alone reads them
    // (the folder may be left from a version that made it open to everyone).
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(this.exportsDir, 0o700);
    const base = `thidua-${campaign.id}-${slug(campaign.title).slice(0, 40)}`;

    const [units, members] = await Promise.all([
      this.db.unit.findMany({ where: { blocId: campaign.blocId }, orderBy: { id: "asc" } }),
      this.db.member.findMany({
        where: { blocId: campaign.blocId },
        select: { id: true, displayName: true },
      }),
    ]);
    const memberName = new Map(members.map((m) => [m.id, m.displayName]));

    const header: Cell[] = [
      t("export:unit"),
      t("export:deadline"),
      t("export:status"),
      t("export:note"),
      t("export:reporter"),
      t("export:reported_at"),
      t("export:late"),
      t("export:photos"),
      t("export:review_state"),
    ];
    const xlsxPath = join(dir, `${base}.xlsx`);
    const csvPath = join(dir, `${base}.csv`);
    const ExcelJS = await loadExcel();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: privateFile(xlsxPath),
      useSharedStrings: false,
      useStyles: true,
    });
    const sheet = workbook.addWorksheet(cleanText(t("export:sheet")).slice(0, 31));
    const headerRow = sheet.addRow(header.map((c) => (typeof c === "string" ? cleanText(c) : c)));
    headerRow.font = { bold: true };
    headerRow.commit();
    const csv = privateFile(csvPath);
    // A BOM, so that Excel opens Vietnamese text as UTF-8.
    csv.write(`\uFEFF${csvLine(header)}`);

    // Labels and deadlines repeat on every row: translated and formatted once each
    // (i18next per cell made most of the export's garbage: the first export of 5,000 units × 3
    // deadlines grew the process by 117 MB, now by 44 MB).
    const labels = new Map<string, string>();
    const label = (key: string) => {
      let text = labels.get(key);
      if (text === undefined) {
        text = t(key);
        labels.set(key, text);
      }
      return text;
    };
    const dueText = new Map(
      campaign.deadlines.map((d) => [d.id, formatDateTime(d.dueAt, timezone)]),
    );
    let rows = 0;
    // A slice of units at a time: memory stays flat however large the bloc is.
    for (let from = 0; from < units.length; from += UNITS_PER_SLICE) {
      const slice = units.slice(from, from + UNITS_PER_SLICE);
      const reports = new Map(
        (await this.#reportsOf(slice, campaign.id)).map((r) => [`${r.unitId}:${r.deadlineId}`, r]),
      );
      for (const unit of slice) {
        for (const deadline of campaign.deadlines) {
          const report = reports.get(`${unit.id}:${deadline.id}`);
          const row: Cell[] = [
            unit.name,
            dueText.get(deadline.id) ?? "",
            label(`reports:status.${report?.status ?? "MISSING"}`),
            report?.note ?? "",
            report ? (memberName.get(report.memberId) ?? "") : "",
            report ? formatDateTime(report.updatedAt, timezone) : "",
            report ? label(report.late ? "export:yes" : "export:no") : "",
            report?._count.evidence ?? 0,
            report ? label(`web:review_state.${report.reviewState}`) : "",
          ];
          sheet.addRow(row.map((c) => (typeof c === "string" ? cleanText(c) : c))).commit();
          if (!csv.write(csvLine(row)))
            await new Promise<void>((r) => csv.once("drain", () => r()));
          rows++;
        }
      }
    }
    await new Promise<void>((resolve, reject) => {
      csv.on("error", reject);
      csv.end(() => resolve());
    });

    const zips = await this.#photos(campaign, units, memberName, timezone, dir, base, maxPart, t);
    const ranking = await this.rankingOf(campaign);
    const xlsx: OutboundDocument = {
      fileName: `${base}.xlsx`,
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      path: xlsxPath,
    };
    const others: OutboundDocument[] = [
      { fileName: `${base}.csv`, mimeType: "text/csv", path: csvPath },
      ...(ranking ? [await this.#results(campaign, ranking, dir, base, t, timezone)] : []),
      ...zips.files,
    ];
    // The first sheet is finished last: it prints the seal of every other file (seal.ts).
    const sealed = await sealFiles(others);
    sheet.addRow([]).commit();
    sheet.addRow([cleanText(t("proof:seal")), sealed.seal]).commit();
    sheet.addRow([cleanText(t("proof:seal_hint"))]).commit();
    sheet.commit();
    await workbook.commit();
    const manifest = await writeManifest(dir, sealed, xlsx);
    const files: OutboundDocument[] = [
      xlsx,
      ...others,
      { fileName: MANIFEST_NAME, mimeType: "text/plain", path: manifest },
    ];
    return { rows, photos: zips.photos, files };
  }

  /**
   * bảng tổng hợp kết quả chấm điểm: one row per unit in rank order, each criterion's
   * self and reviewed points, the total, the percentage, the class and late reports.
   */
  async #results(
    campaign: CampaignSummary,
    ranking: CampaignRanking,
    dir: string,
    base: string,
    t: Translate,
    timezone: string,
  ) {
    const fileName = `${base}-ket-qua-cham-diem.xlsx`;
    const path = join(dir, fileName);
    const ExcelJS = await loadExcel();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: privateFile(path),
      useStyles: true,
    });
    const sheet = workbook.addWorksheet(cleanText(t("export:results_sheet")).slice(0, 31));
    const criteria = ranking.units[0]?.criteria ?? [];
    const scale = (c: (typeof criteria)[number]) =>
      c.weight === 1 ? `/${c.maxScore}` : `/${c.maxScore}, ${t("web:weight")} ${c.weight}`;
    const header = [
      t("export:rank"),
      t("export:unit"),
      ...criteria.flatMap((c) => [
        `${c.title} — ${t("export:self")} (${scale(c)})`,
        `${c.title} — ${t("export:reviewed")} (${scale(c)})`,
      ]),
      t("export:deduction"),
      t(criteria.some((c) => c.weight !== 1) ? "export:total_weighted" : "export:total"),
      t("export:percent"),
      t("export:class"),
      t("export:review_state"),
      t("export:late_reports"),
      t("export:flagged_same_photo"),
      t("export:flagged_same_scene"),
    ].map(cleanText);
    // Recycled photos weigh on a score: their count beside it, by each photo's closest band.
    const flagged = await new RecycledPhotos(this.db).bandsByUnit(campaign.blocId, campaign.id);
    const headerRow = sheet.addRow(header);
    headerRow.font = { bold: true };
    headerRow.commit();
    for (const u of ranking.units) {
      const state = t(`review:state_words.${u.reviewState}`);
      sheet
        .addRow([
          u.rank ?? "",
          cleanText(u.unitName),
          ...u.criteria.flatMap((c) => [c.self ?? "", c.reviewed ?? ""]),
          u.deduction,
          u.total,
          u.percent,
          cleanText(u.classLabel ?? (u.eligible ? state : t("review:not_eligible"))),
          cleanText(
            u.reviewState === "awaiting" ? `${state} (${t("review:self_scored_words")})` : state,
          ),
          u.lateReports,
          flagged.get(u.unitId)?.samePhoto ?? 0,
          flagged.get(u.unitId)?.sameScene ?? 0,
        ])
        .commit();
    }
    // What the sheet stands on: published or not, and every correction with its reason.
    sheet.addRow([]).commit();
    sheet
      .addRow([
        cleanText(
          ranking.publishedAt
            ? t("review:published_on", { at: formatDateTime(ranking.publishedAt, timezone) })
            : t("web:ranking.not_published"),
        ),
      ])
      .commit();
    if (ranking.corrections.length) {
      sheet.addRow([cleanText(t("review:section_corrections"))]).commit();
      for (const c of ranking.corrections) {
        sheet
          .addRow([
            formatDateTime(c.at, timezone),
            cleanText(c.unitName),
            cleanText(c.reviewer),
            cleanText(c.reason),
          ])
          .commit();
      }
    }
    sheet.commit();
    await workbook.commit();
    return {
      fileName,
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      path,
    };
  }

  /** The reports of a slice of units (by id range): parameters fixed by the campaign. */
  #reportsOf(units: { id: number }[], campaignId: number) {
    const ids = units.map((u) => u.id);
    return this.db.report.findMany({
      where: {
        unitId: { gte: Math.min(...ids), lte: Math.max(...ids) },
        deadline: { campaignId },
      },
      select: {
        unitId: true,
        deadlineId: true,
        memberId: true,
        status: true,
        reviewState: true,
        note: true,
        late: true,
        updatedAt: true,
        _count: { select: { evidence: true } },
      },
    });
  }

  /**
   * The photos, unit/deadline/n.ext, one at a time from the store into ZIP parts.
   * Each part has a manifest: path, unit, deadline, sender, time, SHA-256, the proof
   * card, the photo's id and its near-duplicates (ids, band, distance).
   */
  async #photos(
    campaign: CampaignSummary,
    units: { id: number; name: string }[],
    memberName: Map<number, string>,
    timezone: string,
    dir: string,
    base: string,
    maxPart: number,
    t: Translate,
  ): Promise<{ photos: number; files: OutboundDocument[] }> {
    const unitFolder = uniqueNames(units, (u) => slug(u.name));
    const unitById = new Map(units.map((u) => [u.id, u]));
    const deadlineFolder = uniqueNames(campaign.deadlines, (d) => {
      const w = wallClockIn(d.dueAt, timezone);
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${w.year}-${pad(w.month)}-${pad(w.day)}_${pad(w.hour)}${pad(w.minute)}`;
    });
    const parts: { zip: ZipFile; manifest: string[] }[] = [];
    const manifestHeader = csvLine([
      t("export:file"),
      t("export:unit"),
      t("export:deadline"),
      t("export:reporter"),
      t("export:received_at"),
      "SHA-256",
      t("proof:column_platform"),
      t("proof:column_forwarded"),
      t("proof:column_sent_as_file"),
      t("proof:column_taken"),
      t("proof:column_gps"),
      t("proof:column_size"),
      t("proof:column_id"),
      t("proof:column_near"),
    ]);
    // Near-duplicates of every photo of the campaign, either side, in one query.
    const near = await new RecycledPhotos(this.db).nearDuplicates(campaign.blocId, {
      report: { deadline: { campaignId: campaign.id } },
    });
    let photos = 0;
    // One buffer carries every photo from the store to the ZIP.
    const copyBuffer = Buffer.allocUnsafe(256 * 1024);
    const current = () => parts.at(-1);
    const openPart = () => {
      const zip = new ZipFile(join(dir, `${base}-minh-chung-part${parts.length + 1}.zip`));
      parts.push({ zip, manifest: [manifestHeader] });
      return parts.at(-1) as { zip: ZipFile; manifest: string[] };
    };
    for (const deadline of campaign.deadlines) {
      const evidence = await this.db.evidence.findMany({
        where: { report: { deadlineId: deadline.id } },
        orderBy: { id: "asc" },
        select: {
          ...PROOF_FIELDS,
          id: true,
          unitId: true,
          reportId: true,
          memberId: true,
          storageKey: true,
          size: true,
        },
      });
      const counters = new Map<number, number>();
      for (const item of evidence) {
        const unit = unitById.get(item.unitId);
        if (!unit) continue;
        const n = (counters.get(item.unitId) ?? 0) + 1;
        counters.set(item.unitId, n);
        const extension = item.storageKey.split(".").pop() ?? "jpg";
        const path = `${unitFolder.get(unit)}/${deadlineFolder.get(deadline)}/${n}.${extension}`;
        let part = current() ?? openPart();
        // Room is kept for the manifest (about 350 bytes a photo with its proof card).
        const manifestBytes = part.manifest.length * 350 + 1024;
        if (
          part.manifest.length > 1 &&
          part.zip.bytes + item.size + 350 + manifestBytes > maxPart
        ) {
          await this.#closePart(part);
          part = openPart();
        }
        await part.zip.add(path, this.store.chunks(item.storageKey, copyBuffer));
        const sender = memberName.get(item.memberId) ?? "";
        const proof = proofValues(t, { ...item, sender, unitName: unit.name }, timezone);
        part.manifest.push(
          csvLine([
            path,
            unit.name,
            formatDateTime(deadline.dueAt, timezone),
            sender,
            proof.received,
            item.sha256,
            proof.app,
            proof.forwarded,
            proof.sentAsFile,
            proof.taken,
            proof.gps,
            proof.size,
            item.id,
            nearDuplicatesText(t, near.get(item.id) ?? []),
          ]),
        );
        photos++;
      }
    }
    const last = current();
    if (last) await this.#closePart(last);
    const files = parts.map(({ zip }, i) => {
      const fileName =
        parts.length === 1 ? `${base}-minh-chung.zip` : `${base}-minh-chung-${i + 1}.zip`;
      // Named on disk as delivered, so the folder itself checks against its manifest.
      const path = join(dir, fileName);
      renameSync(zip.path, path);
      return { fileName, mimeType: "application/zip", path };
    });
    return { photos, files };
  }

  async #closePart(part: { zip: ZipFile; manifest: string[] }): Promise<void> {
    await part.zip.add("manifest.csv", [Buffer.from(`\uFEFF${part.manifest.join("")}`, "utf8")]);
    await part.zip.close();
  }
}
