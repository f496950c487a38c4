import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { pdf, png, realJpeg } from "../helpers/images.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

let t: TestApp;
let invites: DemoInvite[];

beforeEach(async () => {
  t = await createTestApp({ env: { EVIDENCE_MAX_BYTES: "50000" } });
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

const db = () => t.app.deps.db;
const evidenceFiles = () => {
  const root = join(t.dir, "evidence");
  return existsSync(root)
    ? readdirSync(root, { recursive: true }).filter((f) => String(f).includes("."))
    : [];
};

/** "lan" is the focal point of Ban Tuyên giáo Tỉnh ủy (unit 4). */
async function joinAsFocal(name = "lan", unitIndex = 3) {
  await t.chat.as(name).send(`/join ${invites[unitIndex]?.code}`);
}

async function joinAsOfficer(name: string, unitId = 4) {
  const invite = await t.app.services.membership.issueInvite({
    blocId: 1,
    unitId,
    role: "OFFICER",
    issuer: "operator",
  });
  await t.chat.as(name).send(`/join ${invite.code}`);
}

describe("a focal point's /report", () => {
  it("walks through deadline, status, note and photos, and saves what it confirms", async () => {
    await joinAsFocal();
    const deadlineQuestion = texts(await t.chat.send("/report"));
    expect(deadlineQuestion).toContain("báo cáo cho hạn nào?");
    expect(deadlineQuestion).toContain("1. 17:00 09/03/2026 (gần nhất)");
    expect(texts(await t.chat.send("1"))).toContain("Tình trạng thực hiện?");
    expect(texts(await t.chat.send("Đã hoàn thành"))).toContain("Ghi chú ngắn");
    expect(texts(await t.chat.send("Đã tổng vệ sinh toàn bộ trụ sở"))).toContain(
      "Gửi ảnh minh chứng",
    );
    const album = await t.chat.sendFiles([
      { bytes: png(64, 48, 1), fileName: "a.png" },
      { bytes: png(64, 48, 2), fileName: "b.png" },
    ]);
    expect(texts(album)).toContain("Đã nhận 2 ảnh");
    expect(
      texts(await t.chat.sendFiles([{ bytes: await realJpeg(800, 600), fileName: "c.jpg" }])),
    ).toContain("Đã nhận 3 ảnh");
    const summary = texts(await t.chat.send("Xong"));
    expect(summary).toContain("Tình trạng: Đã hoàn thành");
    expect(summary).toContain("Ảnh: 3");
    const saved = texts(await t.chat.send("1"));
    expect(saved).toBe(
      "✅ Đã lưu báo cáo của Ban Tuyên giáo Tỉnh ủy (hạn 17:00 09/03/2026): Đã hoàn thành, 3 ảnh minh chứng.",
    );

    const report = await db().report.findFirstOrThrow({
      include: { evidence: { orderBy: { id: "asc" } } },
    });
    expect(report).toMatchObject({
      unitId: 4,
      status: "DONE",
      note: "Đã tổng vệ sinh toàn bộ trụ sở",
      late: false,
    });
    expect(report.evidence.map((e) => [e.mimeType, e.width, e.height])).toEqual([
      ["image/png", 64, 48],
      ["image/png", 64, 48],
      ["image/jpeg", 800, 600],
    ]);
    expect(evidenceFiles()).toHaveLength(3);
  });

  it("saves nothing when the focal point cancels at the summary", async () => {
    await joinAsFocal();
    for (const answer of ["/report", "1", "1", "-"]) await t.chat.send(answer);
    await t.chat.sendFiles([{ bytes: png(10, 10), fileName: "a.png" }]);
    await t.chat.send("Xong");
    expect(texts(await t.chat.send("Hủy"))).toContain("không được lưu");
    expect(await db().report.count()).toBe(0);
    expect(await db().evidence.count()).toBe(0);
  });

  it("ends a form whose saved state it cannot read (an older version's, or altered), saving nothing", async () => {
    await joinAsFocal();
    for (const answer of ["/report", "1", "1", "-"]) await t.chat.send(answer);
    await t.chat.sendFiles([{ bytes: png(10, 10), fileName: "a.png" }]);
    const row = await db().conversationState.findFirstOrThrow({ where: { flow: "report" } });
    const stored = JSON.parse(row.data);
    const altered = { ...stored.data, photos: "not a list", status: "FINISHED" };
    await db().conversationState.update({
      where: { key: row.key },
      data: { data: JSON.stringify({ ...stored, data: altered }) },
    });
    expect(texts(await t.chat.send("Xong"))).toContain("không còn đọc được; không có gì được lưu");
    expect(await db().report.count()).toBe(0);
    expect(await db().conversationState.count({ where: { flow: "report" } })).toBe(0);
    // The next /report starts afresh.
    expect(texts(await t.chat.send("/report"))).not.toContain("không còn đọc được");
  });

  it("refuses a PDF and an oversized photo in the photo step, keeps the good ones", async () => {
    await joinAsFocal();
    for (const answer of ["/report", "1", "2", "-"]) await t.chat.send(answer);
    expect(
      texts(await t.chat.sendFiles([{ bytes: pdf(), fileName: "bao-cao.jpg", kind: "document" }])),
    ).toContain("Chỉ nhận ảnh JPEG, PNG hoặc WebP");
    expect(
      texts(await t.chat.sendFiles([{ bytes: png(200, 200, 9, true), fileName: "big.png" }])),
    ).toContain("Ảnh quá lớn");
    expect(texts(await t.chat.sendFiles([{ bytes: png(8, 8), fileName: "ok.png" }]))).toContain(
      "Đã nhận 1 ảnh",
    );
    expect(evidenceFiles()).toHaveLength(1);
    await t.chat.send("Xong");
    await t.chat.send("Gửi báo cáo");
    expect(await db().evidence.count()).toBe(1);
  });

  it("asks again, with an example, when an answer is not a choice", async () => {
    await joinAsFocal();
    await t.chat.send("/report");
    expect(texts(await t.chat.send("ngày mai"))).toContain("Vui lòng chọn");
    expect(texts(await t.chat.send("1"))).toContain("Tình trạng");
  });

  it("replaces the unit's report and keeps the history of both", async () => {
    await joinAsFocal();
    for (const answer of [
      "/report",
      "1",
      "Đang thực hiện",
      "Đã vệ sinh tầng 1",
      "Không có ảnh",
      "1",
    ]) {
      await t.chat.send(answer);
    }
    await joinAsFocal("hung");
    for (const answer of ["/report", "1", "Đã hoàn thành", "Xong cả trụ sở", "Không có ảnh"]) {
      await t.chat.send(answer);
    }
    expect(texts(await t.chat.send("Gửi báo cáo"))).toContain("thay cho báo cáo trước");
    const report = await db().report.findFirstOrThrow({ include: { member: true } });
    expect(report).toMatchObject({ status: "DONE", note: "Xong cả trụ sở" });
    expect(report.member.displayName).toBe("hung");
    const history = await t.app.services.reports.history(report.id);
    expect(history.map((h) => [h.status, h.note])).toEqual([
      ["IN_PROGRESS", "Đã vệ sinh tầng 1"],
      ["DONE", "Xong cả trụ sở"],
    ]);
  });

  it("accepts a report after the deadline and marks it late", async () => {
    await joinAsFocal();
    t.clock.advance(8 * DAY);
    const question = texts(await t.chat.send("/report"));
    expect(question).toContain("(quá hạn)");
    const overdueChoice = question.split("\n").findIndex((l) => l.includes("quá hạn"));
    const number = question.split("\n")[overdueChoice]?.split(".")[0] ?? "";
    await t.chat.send(number);
    for (const answer of ["1", "-", "Không có ảnh"]) await t.chat.send(answer);
    const saved = texts(await t.chat.send("1"));
    expect(saved).toContain("hạn 17:00 09/03/2026");
    expect(saved).toContain("nộp trễ");
    expect(await db().report.findFirst()).toMatchObject({ late: true });
  });

  it("survives a restart in the middle of the form", async () => {
    await joinAsFocal();
    for (const answer of ["/report", "1", "1"]) await t.chat.send(answer);
    t = await t.restart();
    t.chat.as("lan");
    expect(texts(await t.chat.send("Ghi chú sau khi khởi động lại"))).toContain(
      "Gửi ảnh minh chứng",
    );
  });
});

describe("quick photo reports", () => {
  it("stores a photo captioned with the hashtag as evidence of the unit's current report", async () => {
    await joinAsOfficer("minh");
    const replies = await t.chat.sendFiles(
      [{ bytes: png(32, 32, 5), fileName: "sanh.png" }],
      "Sảnh chính #XanhSachDep",
    );
    expect(replies).toHaveLength(1);
    expect(texts(replies)).toBe(
      "✅ Đã lưu 1 ảnh minh chứng: Ban Tuyên giáo Tỉnh ủy · Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn · hạn 17:00 09/03/2026 (Đang thực hiện).",
    );
    const evidence = await db().evidence.findFirstOrThrow({ include: { report: true } });
    expect(evidence).toMatchObject({
      unitId: 4,
      caption: "Sảnh chính #XanhSachDep",
      platform: "console",
    });
    expect(evidence.report.status).toBe("IN_PROGRESS");
  });

  it("answers an album with one acknowledgement", async () => {
    await joinAsFocal();
    const replies = await t.chat.sendFiles(
      [1, 2, 3, 4].map((seed) => ({ bytes: png(16, 16, seed), fileName: `${seed}.png` })),
      "#xanhsachdep",
    );
    expect(replies).toHaveLength(1);
    expect(texts(replies)).toContain("Đã lưu 4 ảnh");
    expect(await db().evidence.count()).toBe(4);
  });

  it("stores the same photo sent twice only once", async () => {
    await joinAsFocal();
    const photo = { bytes: png(16, 16, 42), fileName: "x.png" };
    await t.chat.sendFiles([photo], "#xanhsachdep");
    expect(texts(await t.chat.sendFiles([photo], "#xanhsachdep lần nữa"))).toContain(
      "đã có từ trước",
    );
    expect(await db().evidence.count()).toBe(1);
    expect(evidenceFiles()).toHaveLength(1);
  });

  it("counts an album that repeats a photo and one already stored, and keeps the new one", async () => {
    await joinAsFocal();
    const old = { bytes: png(16, 16, 7), fileName: "old.png" };
    const fresh = { bytes: png(16, 16, 8), fileName: "new.png" };
    await t.chat.sendFiles([old], "#xanhsachdep");
    const replies = texts(await t.chat.sendFiles([old, fresh, fresh], "#xanhsachdep"));
    expect(replies).toContain("Đã lưu 1 ảnh");
    expect(replies).toContain("2 ảnh đã có từ trước");
    expect(await db().evidence.count()).toBe(2);
    const rows = await db().evidence.findMany({ orderBy: { id: "asc" } });
    expect(new Set(rows.map((r) => r.reportId)).size).toBe(1);
    expect(rows.map((r) => r.receivedAt.getTime())).toEqual([
      t.clock.now().getTime(),
      t.clock.now().getTime(),
    ]);
  });

  it("files a photo under the campaign that holds the hashtag now, after another instance moved it", async () => {
    await joinAsFocal();
    await t.chat.sendFiles([{ bytes: png(16, 16, 1), fileName: "1.png" }], "#xanhsachdep");
    // Another instance (or the operator's CLI) on the same database closes the campaign
    // and opens a new one under the same hashtag; this instance was told nothing.
    const other = await createTestApp({ dir: t.dir, clock: t.clock });
    await other.app.services.campaigns.close(1, 1, "operator");
    const now = t.clock.now().getTime();
    const next = await other.app.services.campaigns.create(
      1,
      {
        title: "Đợt hai: văn phòng xanh",
        startsAt: new Date(now),
        endsAt: new Date(now + 30 * DAY),
        deadlines: [new Date(now + 10 * DAY)],
        hashtag: "#xanhsachdep",
      },
      "operator",
    );
    await other.app.services.campaigns.activate(1, next.id, "operator");
    await other.app.deps.db.$disconnect();

    const replies = texts(
      await t.chat.sendFiles([{ bytes: png(16, 16, 2), fileName: "2.png" }], "#xanhsachdep"),
    );
    expect(replies).toContain("Đợt hai: văn phòng xanh");
    const latest = await db().evidence.findFirstOrThrow({
      orderBy: { id: "desc" },
      include: { report: { include: { deadline: true } } },
    });
    expect(latest.report.deadline.campaignId).toBe(next.id);
  });

  it("refuses a PDF with the hashtag and stores nothing", async () => {
    await joinAsFocal();
    const replies = await t.chat.sendFiles(
      [{ bytes: pdf(), fileName: "anh.jpg", kind: "document" }],
      "#xanhsachdep",
    );
    expect(texts(replies)).toContain("Chỉ nhận ảnh JPEG, PNG hoặc WebP");
    expect(await db().report.count()).toBe(0);
    expect(evidenceFiles()).toHaveLength(0);
  });

  it("refuses an oversized photo before downloading it", async () => {
    await joinAsFocal();
    let downloaded = false;
    const replies = await t.chat.sendFiles(
      [{ bytes: png(4, 4), fileName: "huge.png" }],
      "#xanhsachdep",
    );
    expect(texts(replies)).not.toContain("quá lớn");
    const tooBig = await t.app.router.handle(
      {
        updateId: "big-1",
        chat: { platform: "console", platformChatId: "lan", kind: "PRIVATE" },
        from: { platformUserId: "lan", displayName: "lan" },
        receivedAt: t.clock.now(),
        payload: {
          type: "media",
          caption: "#xanhsachdep",
          files: [
            {
              kind: "photo",
              platformFileId: "f1",
              declaredSize: 20 * 1024 * 1024,
              download: async () => {
                downloaded = true;
                return png(4, 4);
              },
            },
          ],
        },
      },
      t.chat.capabilities,
    );
    expect(texts(tooBig)).toContain("Ảnh quá lớn (20.0 MB). Giới hạn là 49 KB.");
    expect(downloaded).toBe(false);
  });

  it("asks whether a photo without the hashtag is evidence for the running campaign", async () => {
    await joinAsFocal();
    expect(
      texts(await t.chat.sendFiles([{ bytes: png(4, 4), fileName: "a.png" }], "ảnh đẹp")),
    ).toContain("Lưu 1 ảnh làm minh chứng cho “Xây dựng cơ quan");
    expect(await db().evidence.count()).toBe(0);
    expect(texts(await t.chat.send("Có, lưu"))).toContain("✅ Đã lưu 1 ảnh minh chứng");
    expect(await db().evidence.findFirstOrThrow()).toMatchObject({ caption: "ảnh đẹp" });
  });

  it("tells a lead with no unit that a photo has no report to go to", async () => {
    const lead = await t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await t.chat.as("minh").send(`/join ${lead.code}`);
    expect(
      texts(await t.chat.as("minh").sendFiles([{ bytes: png(4, 4), fileName: "a.png" }])),
    ).toContain("Bạn chưa thuộc đơn vị nào");
    expect(await db().evidence.count()).toBe(0);
  });
});

describe("/status", () => {
  it("shows the unit's report for each deadline and how long until the next one", async () => {
    await joinAsFocal();
    await t.chat.sendFiles([{ bytes: png(4, 4), fileName: "a.png" }], "#xanhsachdep");
    const status = texts(await t.chat.send("/status"));
    expect(status).toContain("Tình hình báo cáo của Ban Tuyên giáo Tỉnh ủy:");
    expect(status).toContain("17:00 09/03/2026: Đang thực hiện · 1 ảnh");
    expect(status).toContain("17:00 08/04/2026: Chưa báo cáo");
    expect(status).toContain("Hạn tiếp theo: 17:00 09/03/2026 (còn 7 ngày 8 giờ).");
  });
});
