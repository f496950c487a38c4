import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { formatScore } from "../../src/features/campaigns/criteria.ts";
import { CampaignService } from "../../src/features/campaigns/service.ts";
import type { BallotRecord, RegistrationRecord } from "../../src/features/documents/records.ts";
import { DocumentService } from "../../src/features/documents/service.ts";
import type { YearFacts } from "../../src/features/documents/yearFacts.ts";
import { RankingService } from "../../src/features/review/ranking.ts";
import {
  docxText,
  docxXml,
  officeToPdf,
  pdfPages,
  pdfPageTexts,
  pdfText,
} from "../helpers/documentReaders.ts";
import { seedScoredReports } from "../helpers/documentsBloc.ts";
import { createTestApp, type TestApp } from "../helpers/testApp.ts";

/*
 * The documents made from ballots and registrations, rendered from fixture records
 * (the ballot and registration features hand theirs over through yearFacts.ts), and
 * a 300-unit bloc whose tables break across pages with their header repeated.
 */

let t: TestApp;
afterEach(() => t?.close());

const serviceWith = (facts: YearFacts) => {
  const db = t.app.deps.db;
  const campaigns = new CampaignService(db, t.clock);
  return new DocumentService(
    db,
    t.clock,
    campaigns,
    new RankingService(db, t.clock, campaigns),
    facts,
    join(t.dir, "exports"),
    t.app.links.downloads,
  );
};

const vi = () => t.app.translator.for("vi");

describe("documents from the ballot and the registrations", () => {
  it("the meeting record counts the ballot, the proposal names the elected units with their results", async () => {
    t = await createTestApp();
    await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    const { campaignId } = await seedScoredReports(t.app, 1, t.clock.now());
    t.clock.advance(20 * DAY);
    const ranking = await t.app.services.ranking.campaign(1, campaignId);
    const [first, second] = ranking.units;
    if (!first || !second) throw new Error("no ranked units");
    const ballots: BallotRecord[] = [
      {
        question: "Suy tôn đơn vị dẫn đầu khối năm 2026",
        round: 1,
        candidates: [
          { unit: first.unitName, votes: 5 },
          { unit: second.unitName, votes: 4 },
          { unit: "Ban Dân vận <Tỉnh ủy> & \u0002", votes: 0 },
        ],
        eligible: 7,
        voted: 6,
        quorum: 2 / 3,
        threshold: 0.5,
        elected: [first.unitName, second.unitName],
        closedAt: t.clock.now(),
        valid: true,
        award: "co_thi_dua",
      },
      {
        question: "Bầu khối trưởng năm 2027",
        round: 2,
        candidates: [{ unit: "Ban Nội chính Tỉnh ủy", votes: 3 }],
        eligible: 7,
        voted: 3,
        quorum: 2 / 3,
        threshold: 0.5,
        elected: [],
        closedAt: t.clock.now(),
        valid: false,
        award: "bang_khen",
      },
    ];
    const registrations: RegistrationRecord[] = [
      {
        unit: first.unitName,
        titles: ["Cờ thi đua của UBND tỉnh", "Tập thể lao động xuất sắc"],
        commitments: ["Hoàn thành 100% nhiệm vụ", "Không có đảng viên vi phạm <kỷ luật>"],
        state: "accepted",
        late: false,
        submittedAt: t.clock.now(),
      },
      {
        unit: second.unitName,
        titles: ["Bằng khen"],
        commitments: ["Chuyển đổi số 90% hồ sơ"],
        state: "submitted",
        late: true,
        submittedAt: t.clock.now(),
      },
    ];
    const service = serviceWith({
      ballots: async () => ballots,
      registrations: async () => registrations,
    });
    const pack = await service.build(1, { kind: "year", year: 2026 }, vi());
    expect(pack.notOffered).toEqual([]);
    const doc = (kind: string) => pack.documents.find((d) => d.kind === kind);

    const record = pdfText(doc("meeting_record")?.pdf.path ?? "");
    expect(record).toContain("Suy tôn đơn vị dẫn đầu khối năm 2026 (vòng 1");
    expect(record).toContain(
      "Số đơn vị có quyền bỏ phiếu: 7; số đơn vị đã bỏ phiếu: 6, đạt 85,7 % (tỷ lệ tối thiểu 66,7 %)",
    );
    expect(record).toContain(`các đơn vị được suy tôn: ${first.unitName}; ${second.unitName}`);
    expect(record).toContain("Ban Dân vận <Tỉnh ủy> &");
    expect(record).toContain("không đủ số đơn vị tham gia bỏ phiếu");

    const proposal = pdfText(doc("proposal")?.pdf.path ?? "");
    expect(proposal).toContain("TỜ TRÌNH ĐỀ NGHỊ TẶNG CỜ THI ĐUA");
    expect(proposal).toContain("cho 2 đơn vị sau");
    for (const u of [first, second]) {
      expect(proposal).toContain(u.unitName);
      expect(proposal).toContain(`${formatScore(u.total)}/${formatScore(u.max)}`);
    }
    expect(proposal).toContain("5/6");
    // The invalid ballot elects nobody: its candidate is not proposed.
    expect(proposal).not.toContain("Ban Nội chính Tỉnh ủy");

    const pledge = pdfText(doc("pledge_list")?.pdf.path ?? "");
    expect(pledge).toContain("Cờ thi đua của UBND tỉnh; Tập thể lao động xuất sắc");
    expect(pledge).toContain("Không có đảng viên vi phạm <kỷ luật>");
    expect(pledge).toContain("Đã nộp (trễ hạn)");
    expect(docxText(doc("pledge_list")?.docx.path ?? "")).toContain("Chuyển đổi số 90% hồ sơ");
  });

  it("a record the zod schema refuses makes no pack", async () => {
    t = await createTestApp();
    await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    const service = serviceWith({
      ballots: async () => [{ question: "", votes: -1 } as unknown as BallotRecord],
      registrations: async () => [],
    });
    await expect(service.build(1, { kind: "year", year: 2026 }, vi())).rejects.toThrow();
    expect(readdirSync(t.dir)).not.toContain("exports");
  });
});

describe("a 300-unit bloc", () => {
  it("breaks its tables across pages, the header on each, every unit read back", async () => {
    t = await createTestApp();
    await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    const bloc = await t.app.services.blocs.createBloc(
      "Khối thi đua các xã, phường",
      "Asia/Ho_Chi_Minh",
      "operator",
    );
    const names = Array.from(
      { length: 300 },
      (_, i) => `Ủy ban nhân dân phường số ${String(i + 1).padStart(3, "0")}`,
    );
    await t.app.deps.db.unit.createMany({ data: names.map((name) => ({ blocId: bloc.id, name })) });
    const { campaignId } = await seedScoredReports(t.app, bloc.id, t.clock.now(), { photos: 0 });
    t.clock.advance(20 * DAY);
    const pack = await t.app.services.documents.build(
      bloc.id,
      { kind: "campaign", campaignId },
      vi(),
    );
    const table = pack.documents.find((d) => d.kind === "score_table");
    if (!table) throw new Error("no score table");

    const pdf = table.pdf.path;
    const pages = pdfPages(pdf);
    expect(pages).toBeGreaterThan(5);
    const text = pdfText(pdf);
    for (const name of names) expect(text).toContain(name);
    // The header row on every page.
    const withRows = (pages: string[]) => pages.filter((p) => p.includes("phường số"));
    const pdfPagesWithRows = withRows(pdfPageTexts(pdf));
    expect(pdfPagesWithRows.length).toBeGreaterThan(5);
    for (const page of pdfPagesWithRows) expect(page).toMatch(/Hạng.*Đơn vị.*Tổng điểm/);
    const ranking = await t.app.services.ranking.campaign(bloc.id, campaignId);
    for (const u of ranking.units) {
      expect(text).toContain(`${formatScore(u.total)}/${formatScore(u.max)}`);
    }

    // The DOCX marks its header row to repeat, and LibreOffice does repeat it.
    expect(docxXml(table.docx.path)).toContain("<w:tblHeader/>");
    const converted = join(t.dir, "converted");
    officeToPdf([table.docx.path], converted, join(t.dir, "lo-profile"));
    const office = join(converted, table.docx.fileName.replace(/\.docx$/, ".pdf"));
    const officePages = pdfPages(office);
    expect(officePages).toBeGreaterThan(5);
    const officeText = pdfText(office);
    for (const name of names) expect(officeText).toContain(name);
    const officePagesWithRows = withRows(pdfPageTexts(office));
    expect(officePagesWithRows.length).toBeGreaterThan(5);
    for (const page of officePagesWithRows) {
      for (const header of ["Hạng", "Đơn vị", "Tổng điểm"]) expect(page).toContain(header);
    }
  }, 240_000);
});
