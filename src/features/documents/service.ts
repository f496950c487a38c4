import { randomUUID } from "node:crypto";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { OutboundDocument } from "../../core/outbound.ts";
import type { Db } from "../../db/client.ts";
import type { SignedLinks } from "../../http/signedLinks.ts";
import type { Translate } from "../../i18n/translator.ts";
import type { CampaignService } from "../campaigns/service.ts";
import { MANIFEST_NAME, sealFiles } from "../export/seal.ts";
import { slug } from "../export/service.ts";
import type { RankingService } from "../review/ranking.ts";
import { renderDocx } from "./docx.ts";
import { evidenceAppendix } from "./evidenceAppendix.ts";
import { gatherFacts, type PackFacts } from "./gather.ts";
import { type DocSpec, normalised } from "./layout.ts";
import { meetingRecord } from "./meetingRecord.ts";
import { renderPdf } from "./pdf.ts";
import { type Period, periodArgs } from "./period.ts";
import { pledgeList } from "./pledgeList.ts";
import { proposal } from "./proposal.ts";
import { scoreTable } from "./scoreTable.ts";
import { summaryReport } from "./summaryReport.ts";
import type { YearFacts } from "./yearFacts.ts";

export const DOCUMENT_KINDS = [
  "score_table",
  "meeting_record",
  "proposal",
  "pledge_list",
  "summary_report",
  "evidence_appendix",
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

const BUILDERS: Record<DocumentKind, (facts: PackFacts, t: Translate) => DocSpec | null> = {
  score_table: scoreTable,
  meeting_record: meetingRecord,
  proposal,
  pledge_list: pledgeList,
  summary_report: summaryReport,
  evidence_appendix: evidenceAppendix,
};

export interface PackDocument {
  kind: DocumentKind;
  docx: OutboundDocument;
  pdf: OutboundDocument;
}

export interface Pack {
  period: Period;
  facts: PackFacts;
  documents: PackDocument[];
  /** Kinds that could not be made for this period (the proposal without a ballot). */
  notOffered: DocumentKind[];
  manifest: OutboundDocument;
  /** Every file in the order it is delivered: DOCX and PDF of each, then the manifest. */
  files: OutboundDocument[];
}

export interface PeriodOption {
  period: Period;
  kind: "year" | "half" | "campaign";
  year: number;
  campaign?: { id: number; title: string };
}

const LISTED_CAMPAIGNS = 8;

const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/**
 * The tổng kết pack: the bloc's documents made from what it reported, each as DOCX
 * (to edit and sign) and PDF (to share), in a folder under DATA_DIR/exports with a
 * manifest.sha256 (seal.ts's format, `sha256sum -c` checks it).
 */
export class DocumentService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly campaigns: CampaignService,
    private readonly ranking: RankingService,
    private readonly yearFacts: YearFacts,
    private readonly exportsDir: string,
    private readonly downloads: SignedLinks,
  ) {}

  /**
   * What can be made: each year and first half with a campaign ending in it, and the
   * latest campaigns (a list a phone can read; any other is typed as "c<id>").
   */
  async options(blocId: number): Promise<PeriodOption[]> {
    const campaigns = await this.campaigns.list(blocId, ["ACTIVE", "CLOSED"]);
    const years = [...new Set(campaigns.map((c) => c.endsAt.getUTCFullYear()))].sort(
      (a, b) => b - a,
    );
    const out: PeriodOption[] = [];
    for (const year of years) {
      out.push({ period: { kind: "year", year }, kind: "year", year });
      if (campaigns.some((c) => c.endsAt.getUTCFullYear() === year && c.endsAt.getUTCMonth() < 6)) {
        out.push({ period: { kind: "half", year, half: 1 }, kind: "half", year });
      }
    }
    for (const c of [...campaigns].sort((a, b) => b.id - a.id).slice(0, LISTED_CAMPAIGNS)) {
      out.push({
        period: { kind: "campaign", campaignId: c.id },
        kind: "campaign",
        year: c.endsAt.getUTCFullYear(),
        campaign: { id: c.id, title: c.title },
      });
    }
    return out;
  }

  async build(blocId: number, period: Period, t: Translate): Promise<Pack> {
    if (period.kind === "campaign") {
      const campaign = await this.campaigns.get(blocId, period.campaignId);
      if (campaign.status === "DRAFT") throw new AppError("not_found");
    }
    const facts = await gatherFacts(
      { db: this.db, campaigns: this.campaigns, ranking: this.ranking, yearFacts: this.yearFacts },
      blocId,
      period,
      this.clock.now(),
    );
    if (facts.campaigns.length === 0) throw new AppError("no_campaigns_in_period");
    const dir = join(this.exportsDir, `${Date.now()}-${randomUUID().slice(0, 8)}`);
    // The pack holds every unit's results: the bot's own user alone reads it.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(this.exportsDir, 0o700);
    const base = `tongket-${slug(periodArgs(period))}`;
    const documents: PackDocument[] = [];
    const notOffered: DocumentKind[] = [];
    for (const kind of DOCUMENT_KINDS) {
      const spec = BUILDERS[kind](facts, t);
      if (!spec) {
        notOffered.push(kind);
        continue;
      }
      const doc = normalised(spec);
      const name = `${base}-${doc.name}`;
      const docx = {
        fileName: `${name}.docx`,
        mimeType: DOCX_MIME,
        path: join(dir, `${name}.docx`),
      };
      const pdf = {
        fileName: `${name}.pdf`,
        mimeType: "application/pdf",
        path: join(dir, `${name}.pdf`),
      };
      await renderDocx(doc, docx.path);
      await renderPdf(doc, pdf.path);
      documents.push({ kind, docx, pdf });
    }
    const files = documents.flatMap((d) => [d.docx, d.pdf]);
    const sealed = await sealFiles(files);
    const manifest = {
      fileName: MANIFEST_NAME,
      mimeType: "text/plain",
      path: join(dir, MANIFEST_NAME),
    };
    writeFileSync(manifest.path, sealed.text, { mode: 0o600 });
    return { period, facts, documents, notOffered, manifest, files: [...files, manifest] };
  }

  /** A signed link for each file (how the pack reaches Zalo and the dashboard). */
  downloadLinks(files: OutboundDocument[]): { file: OutboundDocument; url: string }[] {
    return files.map((file) => ({
      file,
      url: this.downloads.url(relative(this.exportsDir, file.path)),
    }));
  }

  linksExpireAt(): Date {
    return this.downloads.expiresAt();
  }
}
