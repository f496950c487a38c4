import { zipSync } from "fflate";
import type { OutboundFile } from "../../core/outbound.ts";
import type { Db } from "../../db/client.ts";
import { formatDate, formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import type { EvidenceStore } from "../../storage/evidenceStore.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import { type Cell, writeCsv, writeXlsx } from "./xlsx.ts";

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

export interface CampaignExport {
  rows: number;
  photos: number;
  files: OutboundFile[];
}

/** The review files for a campaign: every unit × deadline, and the evidence photos. */
export class ExportService {
  constructor(
    private readonly db: Db,
    private readonly store: EvidenceStore,
  ) {}

  async build(campaign: CampaignSummary, timezone: string, t: Translate): Promise<CampaignExport> {
    const [units, reports] = await Promise.all([
      this.db.unit.findMany({ where: { blocId: campaign.blocId }, orderBy: { id: "asc" } }),
      this.db.report.findMany({
        where: { deadlineId: { in: campaign.deadlines.map((d) => d.id) } },
        include: { member: true, evidence: { orderBy: { id: "asc" } } },
      }),
    ]);
    const header: Cell[] = [
      t("export:unit"),
      t("export:deadline"),
      t("export:status"),
      t("export:note"),
      t("export:reporter"),
      t("export:reported_at"),
      t("export:late"),
      t("export:photos"),
    ];
    const rows: Cell[][] = [header];
    const photos: Record<string, Uint8Array> = {};
    for (const unit of units) {
      for (const deadline of campaign.deadlines) {
        const report = reports.find((r) => r.unitId === unit.id && r.deadlineId === deadline.id);
        rows.push([
          unit.name,
          formatDateTime(deadline.dueAt, timezone),
          t(`reports:status.${report?.status ?? "MISSING"}`),
          report?.note ?? "",
          report?.member.displayName ?? "",
          report ? formatDateTime(report.updatedAt, timezone) : "",
          report ? t(report.late ? "export:yes" : "export:no") : "",
          report?.evidence.length ?? 0,
        ]);
        for (const [i, evidence] of (report?.evidence ?? []).entries()) {
          const day = formatDate(deadline.dueAt, timezone).split("/").reverse().join("-");
          const extension = evidence.storageKey.split(".").pop() ?? "jpg";
          photos[`${slug(unit.name)}/${day}_${i + 1}.${extension}`] = await this.store.get(
            evidence.storageKey,
          );
        }
      }
    }
    const base = `thidua-${campaign.id}-${slug(campaign.title).slice(0, 40)}`;
    const files: OutboundFile[] = [
      {
        fileName: `${base}.xlsx`,
        mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes: writeXlsx(t("export:sheet"), rows),
      },
      { fileName: `${base}.csv`, mimeType: "text/csv", bytes: writeCsv(rows) },
    ];
    const photoCount = Object.keys(photos).length;
    if (photoCount > 0) {
      // Photos are already compressed: store them, do not deflate again.
      files.push({
        fileName: `${base}-minh-chung.zip`,
        mimeType: "application/zip",
        bytes: zipSync(photos, { level: 0 }),
      });
    }
    return { rows: rows.length - 1, photos: photoCount, files };
  }
}
