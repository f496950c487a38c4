import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { png } from "../helpers/images.ts";
import { createTestApp, type TestApp } from "../helpers/testApp.ts";
import { readXlsx } from "../helpers/xlsxReader.ts";

/*
 * Exports a lead can trust with a real year's data, read back by other programs than
 * the ones that wrote them: Python's zipfile and XML parser, and the project's own
 * small reader for the sheet (the workbook is written by exceljs).
 */

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
  await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

const python = (script: string, ...args: string[]) =>
  execFileSync("python3", ["-c", script, ...args], { encoding: "utf8" });

/** The sheet's XML parsed by Python's expat: invalid XML throws. */
const sheetParses = (xlsx: string) =>
  python(
    "import sys,zipfile,xml.dom.minidom as m; z=zipfile.ZipFile(sys.argv[1]); m.parseString(z.read('xl/worksheets/sheet1.xml')); print(z.testzip())",
    xlsx,
  ).trim();

const zipNames = (zip: string): string[] =>
  JSON.parse(
    python(
      "import sys,json,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps(z.namelist()))",
      zip,
    ),
  );

async function campaign(deadlines: Date[]) {
  const db = t.app.deps.db;
  return db.campaign.create({
    data: {
      blocId: 1,
      title: "Đợt kiểm tra",
      startsAt: new Date(t.clock.now().getTime() - DAY),
      endsAt: new Date(t.clock.now().getTime() + 90 * DAY),
      status: "ACTIVE",
      createdBy: "operator",
      deadlines: { create: deadlines.map((dueAt) => ({ dueAt })) },
    },
    include: { deadlines: true },
  });
}

describe("an export with hostile text", () => {
  it("keeps formulas as text, drops characters XML cannot hold, and keeps long Vietnamese notes whole", async () => {
    const c = await campaign([new Date(t.clock.now().getTime() + 7 * DAY)]);
    const long = "Đã tổng vệ sinh, trồng cây xanh ở khuôn viên cơ quan. ".repeat(20).slice(0, 1000);
    const notes = [
      '=HYPERLINK("http://x","bấm")',
      "+1+2",
      "-3",
      "@SUM(A1)",
      "a\uFFFEb\uFFFFc\u0001d",
      long,
    ];
    for (const [i, note] of notes.entries()) {
      await t.app.deps.db.report.create({
        data: {
          unitId: i + 1,
          deadlineId: c.deadlines[0]?.id ?? 0,
          memberId: 1,
          status: "DONE",
          note,
        },
      });
    }
    const summary = await t.app.services.campaigns.findAnyBloc(c.id);
    const built = await t.app.services.exports.build(
      summary,
      "Asia/Ho_Chi_Minh",
      t.app.translator.for("vi"),
    );
    const [xlsx, csv] = built.files;
    expect(sheetParses(xlsx?.path ?? "")).toBe("None");
    const rows = readXlsx(readFileSync(xlsx?.path ?? ""));
    expect(rows.slice(1, 7).map((r) => r[3])).toEqual([
      '=HYPERLINK("http://x","bấm")',
      "+1+2",
      "-3",
      "@SUM(A1)",
      "abcd",
      long,
    ]);
    const text = readFileSync(csv?.path ?? "", "utf8");
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""bấm"")"`);
    expect(text).toContain(",'+1+2,");
    expect(text).toContain(",'-3,");
    expect(text).toContain(",'@SUM(A1),");
    expect(text).toContain(",abcd,");
    for (const bad of ["\uFFFE", "\uFFFF", String.fromCharCode(1)]) expect(text).not.toContain(bad);
  });
});

describe("an export's photos", () => {
  it("keeps every photo when deadlines share a day and unit names fold together, with a manifest", async () => {
    const day = new Date(t.clock.now().getTime() + 7 * DAY);
    const c = await campaign([day, new Date(day.getTime() + 2 * 3600_000), day]);
    const a = await t.app.services.blocs.addUnit(1, "Ban Á", "operator");
    const b = await t.app.services.blocs.addUnit(1, "Ban A", "operator");
    let seed = 0;
    for (const deadline of c.deadlines) {
      for (const unit of [a, b]) {
        const report = await t.app.deps.db.report.create({
          data: { unitId: unit.id, deadlineId: deadline.id, memberId: 1, status: "DONE" },
        });
        for (let i = 0; i < 25; i++) {
          const stored = await t.app.services.evidence.accept({
            kind: "photo",
            platformFileId: `f${seed}`,
            download: async () => png(8, 8, seed++),
          });
          await t.app.deps.db.evidence.create({
            data: {
              reportId: report.id,
              unitId: unit.id,
              memberId: 1,
              platform: "console",
              platformFileId: stored.platformFileId,
              sha256: stored.sha256,
              storageKey: stored.storageKey,
              size: stored.size,
              mimeType: stored.mimeType,
            },
          });
        }
      }
    }
    const summary = await t.app.services.campaigns.findAnyBloc(c.id);
    // Parts of ~20 KB here stand for Telegram's 50 MB limit.
    const built = await t.app.services.exports.build(
      summary,
      "Asia/Ho_Chi_Minh",
      t.app.translator.for("vi"),
      {
        maxPartBytes: 20_000,
      },
    );
    expect(built.photos).toBe(150);
    const zips = built.files.filter((f) => f.fileName.endsWith(".zip"));
    expect(zips.length).toBeGreaterThan(1);
    const names = zips.flatMap((z) => zipNames(z.path));
    const photos = names.filter((n) => n !== "manifest.csv");
    expect(photos).toHaveLength(150);
    expect(new Set(photos).size).toBe(150);
    expect(names.filter((n) => n === "manifest.csv")).toHaveLength(zips.length);
    const folders = new Set(photos.map((p) => p.split("/").slice(0, 2).join("/")));
    expect(folders.size).toBe(6);
    for (const zip of zips) expect(readFileSync(zip.path).length).toBeLessThanOrEqual(20_000);
  });
});

describe("an export of a large bloc", () => {
  it("runs in one go for 5,000 units × 3 deadlines (no query grows with the data)", async () => {
    const db = t.app.deps.db;
    await db.unit.createMany({
      data: Array.from({ length: 5000 - 7 }, (_, i) => ({ blocId: 1, name: `Đơn vị ${i + 8}` })),
    });
    const c = await campaign([1, 2, 3].map((d) => new Date(t.clock.now().getTime() + d * 7 * DAY)));
    const units = await db.unit.findMany({ select: { id: true } });
    for (const deadline of c.deadlines) {
      await db.report.createMany({
        data: units.map((u) => ({
          unitId: u.id,
          deadlineId: deadline.id,
          memberId: 1,
          status: "DONE",
        })),
      });
    }
    const summary = await t.app.services.campaigns.findAnyBloc(c.id);
    const built = await t.app.services.exports.build(
      summary,
      "Asia/Ho_Chi_Minh",
      t.app.translator.for("vi"),
    );
    expect(built.rows).toBe(15_000);
    expect(readXlsx(readFileSync(built.files[0]?.path ?? ""))).toHaveLength(15_001 + 2);
  }, 60_000);
});
