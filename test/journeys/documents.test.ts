import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../src/admin/adminCommands.ts";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_BLOC, DEMO_LEAD, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { formatScore } from "../../src/features/campaigns/criteria.ts";
import { docText, MOTTO, MOTTO_LINE2 } from "../../src/features/documents/layout.ts";
import {
  docxText,
  docxXml,
  officeToPdf,
  pdfFonts,
  pdfLayout,
  pdfText,
} from "../helpers/documentReaders.ts";
import { seedScoredReports } from "../helpers/documentsBloc.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

/*
 * The tổng kết pack read back by tools that did not make it: pdftotext and pdffonts
 * (poppler), LibreOffice headless, the DOCX's XML. The figures must be the ranking's,
 * as `admin ranking --json` gives them; names XML or PDF cannot hold, decomposed
 * accents and a 200-character name must not break a file.
 */

const HOSTILE = `Phòng <Hành chính> & "Tổng hợp" ]]> \u0001\u000b'; %%EOF) \\ 🏆`;
const DECOMPOSED = "Trung tâm Lưu trữ lịch sử".normalize("NFD");
const LONG = `Ban chỉ đạo ${"phát triển kinh tế số và chuyển đổi số ".repeat(6)}`.slice(0, 200);

let t: TestApp;
let out: string;
let converted: string;
let files: string[];
let campaignId: number;

const path = (suffix: string) => {
  const name = files.find((f) => f.endsWith(suffix));
  if (!name) throw new Error(`no file ending ${suffix}: ${files.join(", ")}`);
  return join(out, name);
};

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  for (const name of [HOSTILE, DECOMPOSED, LONG]) {
    // Straight into the table: whatever a unit's name holds, the documents must survive it.
    await t.app.deps.db.unit.create({ data: { blocId: 1, name } });
  }
  ({ campaignId } = await seedScoredReports(t.app, 1, t.clock.now(), { photos: 2 }));
  t.clock.advance(20 * DAY);
  out = join(t.dir, "pack");
  const result = await runAdminCommand(t.app, ["documents", "2026", "--bloc", "1", "--out", out]);
  expect((result.json as { notOffered: string[] }).notOffered).toEqual(["proposal"]);
  files = readdirSync(out);
  converted = join(t.dir, "converted");
  mkdirSync(converted);
  officeToPdf(
    files.filter((f) => f.endsWith(".docx")).map((f) => join(out, f)),
    converted,
    join(t.dir, "lo-profile"),
  );
}, 240_000);
afterAll(() => t?.close());

describe("the year's pack, made by `admin documents`", () => {
  it("has a DOCX and a PDF of each document but the proposal, and a manifest sha256sum checks", () => {
    for (const doc of [
      "1-bang-tong-hop-diem",
      "2-bien-ban-binh-xet",
      "4-danh-sach-dang-ky",
      "5-bao-cao-tong-ket",
      "6-phu-luc-minh-chung",
    ]) {
      expect(files).toContain(`tongket-2026-${doc}.docx`);
      expect(files).toContain(`tongket-2026-${doc}.pdf`);
    }
    expect(files.some((f) => f.includes("to-trinh"))).toBe(false);
    expect(
      execFileSync("sha256sum", ["-c", "manifest.sha256"], { cwd: out, encoding: "utf8" }),
    ).toMatch(/1-bang-tong-hop-diem\.pdf: OK/);
  });

  it("every PDF carries the motto, the bloc and the Liberation Serif it embeds", () => {
    for (const pdf of files.filter((f) => f.endsWith(".pdf"))) {
      const text = pdfText(join(out, pdf));
      expect(text, pdf).toContain(MOTTO);
      expect(text, pdf).toContain(MOTTO_LINE2);
      expect(text, pdf).toContain(DEMO_BLOC.toUpperCase());
      expect(text, pdf).toMatch(/Số: …\/\S+-KTĐ/);
      expect(text, pdf).toContain("Nơi nhận:");
      // A4, the text inside Nghị định 30's margins: left 30 mm, right 15 mm (in points).
      const layout = pdfLayout(join(out, pdf));
      const landscape = /bang-tong-hop|phu-luc/.test(pdf);
      expect([layout.width, layout.height].map(Math.round), pdf).toEqual(
        landscape ? [842, 595] : [595, 842],
      );
      expect(layout.left, pdf).toBeGreaterThanOrEqual((30 * 72) / 25.4 - 1);
      expect(layout.right, pdf).toBeLessThanOrEqual(layout.width - (15 * 72) / 25.4 + 1);
      const fonts = pdfFonts(join(out, pdf));
      expect(fonts.length, pdf).toBeGreaterThan(0);
      for (const font of fonts) {
        expect(font.name).toMatch(/^[A-Z]{6}\+LiberationSerif/);
        expect(font.embedded, `${pdf}: ${font.name}`).toBe(true);
      }
    }
  });

  it("the score table shows every unit with the totals `admin ranking --json` gives", async () => {
    const ranking = (await runAdminCommand(t.app, ["ranking", String(campaignId), "--json"]))
      .json as { units: { unit: string; total: number; max: number; percent: number }[] };
    expect(ranking.units.length).toBe(10);
    const text = pdfText(path("1-bang-tong-hop-diem.pdf"));
    const officeText = pdfText(join(converted, "tongket-2026-1-bang-tong-hop-diem.pdf"));
    const xmlText = docxText(path("1-bang-tong-hop-diem.docx"));
    for (const u of ranking.units) {
      const name = docText(u.unit);
      for (const read of [text, officeText, xmlText]) {
        expect(read).toContain(name.slice(0, 40));
        expect(read).toContain(`${formatScore(u.total)}/${formatScore(u.max)}`);
        expect(read).toContain(formatScore(u.percent));
      }
    }
    // The year's order is the ranking's year.
    const year = await t.app.services.ranking.year(1, 2026);
    for (const u of year.units) expect(text).toContain(formatScore(u.percent));
    // The NFC form only: decomposed accents would read as other letters.
    expect(text).toContain("Trung tâm Lưu trữ lịch sử");
    expect(text).not.toContain(DECOMPOSED);
  });

  it("the meeting record says no ballot was held", () => {
    for (const read of [
      pdfText(path("2-bien-ban-binh-xet.pdf")),
      docxText(path("2-bien-ban-binh-xet.docx")),
      pdfText(join(converted, "tongket-2026-2-bien-ban-binh-xet.pdf")),
    ]) {
      expect(read).toContain("BIÊN BẢN HỌP BÌNH XÉT, SUY TÔN");
      expect(read).toContain("không tổ chức bỏ phiếu kín");
      // The secretary and the chair sign it.
      expect(read).toContain("THƯ KÝ");
      expect(read).toContain("CHỦ TRÌ CUỘC HỌP");
    }
  });

  it("the report draft fills the figures and leaves the narrative to the secretariat", async () => {
    const text = pdfText(path("5-bao-cao-tong-ket.pdf"));
    // 10 units, 2 deadlines: kinds 0–3 report (8 units × 2), kind 1 late, kind 3 returned.
    expect(text).toContain(
      "các đơn vị gửi 16 báo cáo, trong đó 8 đúng hạn, 4 trễ hạn, 4 bị trả lại",
    );
    // Scored reports (kinds 0 and 1: 4 units × 2 deadlines) carry 2 photos each.
    expect(text).toContain("kèm 16 ảnh minh chứng");
    expect(text).toContain("(Văn phòng khối viết: bối cảnh, thuận lợi, khó khăn)");
    expect(text).toContain("BÁO CÁO TỔNG KẾT");
  });

  it("the evidence appendix lists each photo's SHA-256, as stored", async () => {
    const text = pdfText(path("6-phu-luc-minh-chung.pdf"));
    const photos = await t.app.deps.db.evidence.findMany({ select: { sha256: true } });
    expect(photos.length).toBe(16);
    for (const p of photos) expect(text).toContain(p.sha256);
    expect(docxText(path("6-phu-luc-minh-chung.docx"))).toContain(photos[0]?.sha256);
  });

  it("every DOCX opens in LibreOffice and holds well-formed text", () => {
    for (const docx of files.filter((f) => f.endsWith(".docx"))) {
      const pdf = join(converted, docx.replace(/\.docx$/, ".pdf"));
      expect(existsSync(pdf), docx).toBe(true);
      const text = pdfText(pdf);
      const layout = pdfLayout(pdf);
      expect([layout.width, layout.height].map(Math.round), docx).toEqual(
        /bang-tong-hop|phu-luc/.test(docx) ? [842, 595] : [595, 842],
      );
      expect(layout.left, docx).toBeGreaterThanOrEqual((30 * 72) / 25.4 - 1);
      expect(text, docx).toContain(MOTTO);
      expect(text, docx).toContain(DEMO_BLOC.toUpperCase());
      const xml = docxXml(join(out, docx));
      // The control characters of the hostile name never reach the XML.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the check
      expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    }
    expect(docxXml(path("1-bang-tong-hop-diem.docx"))).toContain("&lt;Hành chính&gt; &amp;");
  });

  it("/tongket lists the periods as a question and answers with the files' links", async () => {
    const lead = t.chat.as(DEMO_LEAD);
    const list = texts(await lead.send("/tongket"));
    expect(list).toContain("Tổng kết năm 2026");
    expect(list).toContain("Sơ kết 6 tháng đầu năm 2026");
    expect(list).toContain(`Đợt #${campaignId} Cải cách hành chính 2026`);
    const answer = texts(await lead.send("1"));
    expect(answer).toContain("Bộ văn bản năm 2026 (5 văn bản");
    expect(answer).toContain("Tờ trình đề nghị khen thưởng chưa lập được");
    expect(answer).toMatch(/\/downloads\/\S+/);
    expect(answer).toContain("tongket-2026-1-bang-tong-hop-diem.pdf");
    // The first half: the sơ kết report, its order from the campaigns ending by June.
    const half = texts(await lead.send("/tongket 6t 2026"));
    expect(half).toContain("Bộ văn bản sáu tháng đầu năm 2026");
    expect(half).toContain("tongket-h-1-2026-5-bao-cao-so-ket.pdf");
    // Bad input: a clear answer, and nothing made.
    const made = readdirSync(join(t.dir, "exports")).length;
    const bad = texts(await lead.send("/tongket năm ngoái"));
    expect(bad).toContain("Không hiểu kỳ “năm ngoái”");
    expect(texts(await lead.send("/tongket 2031"))).toContain(
      "Trong kỳ này khối chưa có đợt thi đua nào",
    );
    expect(texts(await lead.send("/tongket c999"))).toContain("Không tìm thấy mục này");
    expect(texts(await t.chat.as("stranger").send("/tongket 2026"))).not.toContain("Bộ văn bản");
    expect(readdirSync(join(t.dir, "exports")).length).toBe(made);
  });
});
