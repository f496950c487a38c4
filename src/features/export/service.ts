import { randomUUID } from "node:crypto";
import { chmodSync, mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { OutboundDocument } from "../../core/outbound.ts";
import type { Db } from "../../db/client.ts";
import type { SignedLinks } from "../../http/signedLinks.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import type { EvidenceStore } from "../../storage/evidenceStore.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import { RecycledPhotos } from "../evidence/recycled.ts";
import type { CampaignRanking } from "../review/ranking.ts";
import { type Cell, cleanText, csvLine } from "./cells.ts";
import { folderFiles, type SizedFile } from "./folder.ts";
import { privateFile, slug, writePhotoZips } from "./photoZips.ts";
import { MANIFEST_NAME, sealFiles, writeManifest } from "./seal.ts";

export { slug };

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

  /** The files of an earlier export of the campaign (a chat asks for one), with their sizes. */
  folderFiles(campaignId: number, folder: string): SizedFile[] {
    return folderFiles(this.exportsDir, campaignId, folder);
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

    const zips = await writePhotoZips(
      this.db,
      this.store,
      campaign,
      units,
      memberName,
      timezone,
      dir,
      base,
      maxPart,
      t,
    );
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
}
