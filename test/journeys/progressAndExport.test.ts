import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../src/admin/adminCommands.ts";
import { DAY } from "../../src/core/clock.ts";
import type { OutboundMessage } from "../../src/core/outbound.ts";
import { type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { png } from "../helpers/images.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";
import { readXlsx } from "../helpers/xlsxReader.ts";

let t: TestApp;
let invites: DemoInvite[];

/** Presses "send every file" under an export's answer, as the lead does. */
const sendAll = async (replies: OutboundMessage[]) => {
  const n = replies
    .flatMap((r) => r.choices ?? [])
    .findIndex((c) => c.label.startsWith("📎 Gửi cả"));
  expect(n).toBeGreaterThanOrEqual(0);
  return t.chat.as("lead").send(String(n + 1));
};

beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

async function report(name: string, unitIndex: number, status: string, note = "-", deadline = "1") {
  await t.chat.as(name).send(`/join ${invites[unitIndex]?.code}`);
  for (const line of ["/report", deadline, status, note, "Không có ảnh", "Gửi báo cáo"]) {
    await t.chat.send(line);
  }
}

/** A mix: done, in progress (by photo), not started, late, and three units missing. */
async function mixOfReports() {
  await report("vp", 0, "Đã hoàn thành", "Hoàn thành tổng vệ sinh");
  await t.chat.as("tc").send(`/join ${invites[1]?.code}`);
  await t.chat.sendFiles(
    [
      { bytes: png(20, 20, 1), fileName: "a.png" },
      { bytes: png(20, 20, 2), fileName: "b.png" },
    ],
    "#xanhsachdep",
  );
  await report("kt", 2, "Chưa thực hiện");
  t.clock.advance(8 * DAY);
  // The nearest deadline ahead is offered first; the missed one comes after it.
  await report("tg", 3, "Đã hoàn thành", "Nộp muộn, đã xong", "3");
}

describe("the lead's /progress", () => {
  it("counts each status, the late and the missing, and names the missing units", async () => {
    await mixOfReports();
    const progress = texts(await t.chat.as("lead").send("/progress"));
    expect(progress).toContain("Hạn 17:00 09/03/2026: 4/7 đơn vị đã báo cáo");
    expect(progress).toContain(
      "✅ 2 xong · ⏳ 1 đang làm · ⭕ 1 chưa làm · ❌ 3 chưa báo cáo · 🕘 1 trễ",
    );
    expect(progress).toContain(
      "Chưa báo cáo: Ban Dân vận Tỉnh ủy, Ban Nội chính Tỉnh ủy, Đảng ủy Khối các cơ quan tỉnh",
    );
    expect(progress).toContain("Hạn 17:00 08/04/2026: 0/7 đơn vị đã báo cáo");
  });

  it("asks which campaign when several are active", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "thidua-c-")), "c.yaml");
    writeFileSync(
      file,
      "title: Hội thi Văn Thể Mỹ\nstart: 1/3/2026\nend: 30/4/2026\ndeadlines: [20/4/2026]\nactivate: true\n",
    );
    await runAdminCommand(t.app, ["campaign", "import", file, "--bloc", "1"]);
    const answer = texts(await t.chat.as("lead").send("/progress"));
    expect(answer).toContain("1. Hội thi Văn Thể Mỹ");
    expect(answer).toContain("2. Xây dựng cơ quan");
    // The list is the question: its number answers it.
    expect(texts(await t.chat.send("1"))).toContain("Hạn 17:00 20/04/2026: 0/7");
    expect(texts(await t.chat.send("/progress 2"))).toContain("Hạn 17:00 20/04/2026: 0/7");
  });
});

describe("the export for the review", () => {
  it("holds one row per unit and deadline with status, note, reporter, time, late flag and photo count", async () => {
    await mixOfReports();
    const replies = await t.chat.as("lead").send("/export");
    expect(texts(replies)).toContain("21 dòng, 2 ảnh minh chứng");
    // Links first, each with its size; no file is pushed into the chat unasked.
    expect(replies.flatMap((r) => r.documents ?? [])).toEqual([]);
    expect(texts(replies)).toMatch(
      /1\. thidua-1-[a-z-]+\.xlsx \(\d+ KB\)\nhttp:\/\/\S+\/downloads\//,
    );
    expect(texts(replies)).toContain("Bấm nút của tệp đó: bot gửi tệp đến 20,0 MB");
    const files = (await sendAll(replies)).flatMap((r) => r.documents ?? []);
    expect(files.map((f) => f.fileName)).toEqual([
      "thidua-1-xay-dung-co-quan-cong-so-van-minh-xanh-s.xlsx",
      "thidua-1-xay-dung-co-quan-cong-so-van-minh-xanh-s.csv",
      "thidua-1-xay-dung-co-quan-cong-so-van-minh-xanh-s-minh-chung.zip",
      "manifest.sha256",
    ]);
    const rows = readXlsx(readFileSync(files[0]?.path ?? ""));
    expect(rows[0]).toEqual([
      "Đơn vị",
      "Hạn báo cáo",
      "Tình trạng",
      "Ghi chú",
      "Người báo cáo",
      "Thời điểm báo cáo",
      "Trễ hạn",
      "Số ảnh",
      "Thẩm định",
    ]);
    // The rows, then the seal of the export's other files (manifest.sha256) and how to check it.
    expect(rows).toHaveLength(1 + 7 * 3 + 2);
    expect(rows.at(-2)?.[1]).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[1]).toEqual([
      "Văn phòng Tỉnh ủy",
      "17:00 09/03/2026",
      "Đã hoàn thành",
      "Hoàn thành tổng vệ sinh",
      "vp",
      "09:00 02/03/2026",
      "Không",
      "0",
      "Chờ xét",
    ]);
    expect(rows[4]).toEqual([
      "Ban Tổ chức Tỉnh ủy",
      "17:00 09/03/2026",
      "Đang thực hiện",
      "",
      "tc",
      "09:00 02/03/2026",
      "Không",
      "2",
      "Chờ xét",
    ]);
    expect(rows[10]?.slice(2, 7)).toEqual([
      "Đã hoàn thành",
      "Nộp muộn, đã xong",
      "tg",
      "09:00 10/03/2026",
      "Có",
    ]);
    expect(rows[13]?.slice(0, 3)).toEqual([
      "Ban Dân vận Tỉnh ủy",
      "17:00 09/03/2026",
      "Chưa báo cáo",
    ]);

    const csvBytes = new Uint8Array(readFileSync(files[1]?.path ?? ""));
    expect([...csvBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = strFromU8(csvBytes);
    expect(csv).toContain("Đơn vị,Hạn báo cáo");
    expect(csv).toContain('"Nộp muộn, đã xong"');

    const zip = unzipSync(readFileSync(files[2]?.path ?? ""));
    expect(Object.keys(zip).sort()).toEqual([
      "ban-to-chuc-tinh-uy/2026-03-09_1700/1.png",
      "ban-to-chuc-tinh-uy/2026-03-09_1700/2.png",
      "manifest.csv",
    ]);
    const manifest = strFromU8(zip["manifest.csv"] ?? new Uint8Array()).split("\r\n");
    expect([...(zip["manifest.csv"] ?? new Uint8Array()).subarray(0, 3)]).toEqual([
      0xef, 0xbb, 0xbf,
    ]);
    expect(manifest[0]).toBe(
      "Tệp,Đơn vị,Hạn báo cáo,Người báo cáo,Thời điểm nhận,SHA-256,Gửi qua,Chuyển tiếp,Gửi dạng tệp,Chụp lúc (EXIF),Vị trí (EXIF),Kích thước,Mã ảnh,Ảnh gần trùng",
    );
    expect(manifest[1]).toMatch(
      /^ban-to-chuc-tinh-uy\/2026-03-09_1700\/1\.png,Ban Tổ chức Tỉnh ủy,17:00 09\/03\/2026,tc,[\d: /]+,[0-9a-f]{64},máy chạy bot,/,
    );
  });

  it("is written to files by the operator's export command", async () => {
    await mixOfReports();
    const out = mkdtempSync(join(tmpdir(), "thidua-export-"));
    const result = (await runAdminCommand(t.app, ["export", "1", "--out", out])).json as {
      files: string[];
      rows: number;
    };
    expect(result.rows).toBe(21);
    expect(readXlsx(readFileSync(result.files[0] ?? ""))).toHaveLength(22 + 2);
  });

  it("keeps every file to the bot's own user: XLSX, CSV, results and ZIP 0600, their folders 0700", async () => {
    // The usual umask, which leaves files readable by every account unless the bot says otherwise.
    const umask = process.umask(0o022);
    try {
      await mixOfReports();
      await openScoredCampaign(t.app, t.clock.now(), { closeDemo: false });
      const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
      const written: string[] = [];
      for (const command of ["/export 1", "/export 2"]) {
        const files = (await sendAll(await t.chat.as("lead").send(command))).flatMap(
          (r) => r.documents ?? [],
        );
        const folder = dirname(files[0]?.path ?? "");
        // Every file the export wrote, not only those it announced.
        const inFolder = readdirSync(folder).map((name) => join(folder, name));
        expect(inFolder.sort()).toEqual(files.map((f) => f.path).sort());
        expect(mode(folder)).toBe("700");
        expect(mode(dirname(folder))).toBe("700");
        written.push(...inFolder);
      }
      expect(written.map((f) => f.split(".").pop()).sort()).toEqual(
        ["csv", "csv", "sha256", "sha256", "xlsx", "xlsx", "xlsx", "zip"].sort(),
      );
      expect(written.filter((f) => f.endsWith("ket-qua-cham-diem.xlsx"))).toHaveLength(1);
      expect(written.map(mode)).toEqual(written.map(() => "600"));

      const out = mkdtempSync(join(tmpdir(), "thidua-export-"));
      const copied = (await runAdminCommand(t.app, ["export", "1", "--out", out])).json as {
        files: string[];
      };
      expect(copied.files.map(mode)).toEqual(copied.files.map(() => "600"));
    } finally {
      process.umask(umask);
    }
  });

  it("sends one file on request, refuses another bloc's export, and says when the export is gone", async () => {
    await mixOfReports();
    const replies = await t.chat.as("lead").send("/export");
    const choices = replies.flatMap((r) => r.choices ?? []);
    expect(choices.map((c) => c.label)).toEqual([
      expect.stringMatching(/^📎 Gửi tệp 1 \(\d+ KB\)$/),
      expect.stringMatching(/^📎 Gửi tệp 2 /),
      expect.stringMatching(/^📎 Gửi tệp 3 /),
      expect.stringMatching(/^📎 Gửi tệp 4 /),
      expect.stringMatching(/^📎 Gửi cả 4 tệp /),
    ]);
    // "2", as a phone answers a numbered list: the CSV alone.
    const csv = await t.chat.as("lead").send("2");
    expect(csv.flatMap((r) => r.documents ?? []).map((d) => d.fileName)).toEqual([
      "thidua-1-xay-dung-co-quan-cong-so-van-minh-xanh-s.csv",
    ]);
    const folder = /\/export 1 (\S+) 1/.exec(
      String(choices[0]?.id).replace("run:export:", "/export ").replaceAll("_", " "),
    )?.[1];
    expect(folder).toMatch(/^\d+-[0-9a-f]{8}$/);
    // The same folder named with another campaign: nothing of it is sent.
    expect(texts(await t.chat.as("lead").send(`/export 42 ${folder} 1`))).toContain(
      "Không tìm thấy",
    );
    const other = await t.chat.as("lead").send(`/export 1 1700000000000-0badf00d all`);
    expect(texts(other)).toContain("không còn trên máy chủ");
    expect(other.flatMap((r) => r.documents ?? [])).toEqual([]);
  });

  it("offers no button for a ZIP larger than a phone takes, and answers a typed request for it with its link", async () => {
    await mixOfReports();
    const db = t.app.deps.db;
    const report = await db.report.findFirstOrThrow({ where: { evidence: { some: {} } } });
    const big = new Uint8Array(21 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
    const stored = await t.app.services.evidenceStore.put(big, "jpg");
    await db.evidence.create({
      data: {
        reportId: report.id,
        unitId: report.unitId,
        memberId: report.memberId,
        platform: "console",
        platformFileId: "big",
        sha256: "b".repeat(64),
        storageKey: stored.key,
        size: big.length,
        mimeType: "image/jpeg",
      },
    });
    const replies = await t.chat.as("lead").send("/export");
    expect(texts(replies)).toMatch(/3\. thidua-1-[a-z-]+-minh-chung\.zip \(21,0 MB\)\nhttp/);
    const labels = replies.flatMap((r) => r.choices ?? []).map((c) => c.label);
    expect(labels.some((l) => l.startsWith("📎 Gửi tệp 3 "))).toBe(false);
    expect(labels.at(-1)).toMatch(/^📎 Gửi cả 3 tệp /);
    const folder = /^run:export:1_(\d+-[0-9a-f]{8})_1$/.exec(
      replies.flatMap((r) => r.choices ?? [])[0]?.id ?? "",
    )?.[1];
    const asked = await t.chat.as("lead").send(`/export 1 ${folder} 3`);
    expect(asked.flatMap((r) => r.documents ?? [])).toEqual([]);
    expect(texts(asked)).toMatch(
      /nặng 21,0 MB, quá 20,0 MB để gửi vào khung chat: hãy tải qua liên kết\.\nhttp\S+\/downloads\//,
    );
  });

  it("refuses a campaign number that is not in the lead's bloc", async () => {
    expect(texts(await t.chat.as("lead").send("/export 42"))).toContain("Không tìm thấy");
  });
});

describe("importing a campaign from a file", () => {
  it("names the line of each problem and imports nothing", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "thidua-c-")), "bad.yaml");
    writeFileSync(
      file,
      "title: Đợt lỗi\nstart: 1/3/2026\nend: 30/4/2026\ndeadlines:\n  - 31/4/2026\n",
    );
    await expect(
      runAdminCommand(t.app, ["campaign", "import", file, "--bloc", "1"]),
    ).rejects.toThrow('line 5, deadlines[0]: cannot read the date "31/4/2026"');
    expect(await t.app.deps.db.campaign.count()).toBe(1);
  });
});

describe("/progress for a long campaign", () => {
  it("shows the deadlines around now and points to the dashboard for the rest", async () => {
    const now = t.clock.now().getTime();
    const weekly = await t.app.services.campaigns.create(
      1,
      {
        title: "Giao ban hằng tuần",
        startsAt: new Date(now - 60 * DAY),
        endsAt: new Date(now + 60 * DAY),
        deadlines: Array.from({ length: 12 }, (_, i) => new Date(now + (i - 6) * 7 * DAY + 1000)),
      },
      "operator",
    );
    await t.app.services.campaigns.activate(1, weekly.id, "operator");
    const answer = texts(await t.chat.as("lead").send(`/progress ${weekly.id}`));
    expect(answer.match(/^Hạn /gm)).toHaveLength(5);
    expect(answer).toContain("… và 7 hạn khác: xem toàn bộ bảng đơn vị × hạn trên /trangweb.");
  });
});
