import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { png } from "../helpers/images.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

let t: TestApp;
let invites: DemoInvite[];

beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  for (const [i, name] of ["vp", "tc", "kt", "tg"].entries()) {
    await t.chat.as(name).send(`/join ${invites[i]?.code}`);
  }
  t.chat.as("lead");
});
afterEach(() => t.close());

describe("a lead's announcement", () => {
  it("queues the lead's summary once when two passes (or instances) see the end at the same moment", async () => {
    await t.chat.send("/announce");
    await t.chat.send("Kiểm tra phòng cháy chữa cháy");
    await t.chat.send("Không có ảnh");
    await t.chat.send("1");
    await t.chat.send("Gửi");
    const announcement = await t.app.deps.db.announcement.findFirstOrThrow();
    const { announcements } = t.app.services;
    await Promise.all([
      announcements.enqueueSummary(announcement.id, "Đã gửi xong"),
      announcements.enqueueSummary(announcement.id, "Đã gửi xong"),
      announcements.enqueueSummary(announcement.id, "Đã gửi xong"),
    ]);
    expect(await t.app.deps.db.delivery.count({ where: { kind: "SUMMARY" } })).toBe(1);
  });

  it("reaches every linked chat of the bloc once, and the lead gets the counts", async () => {
    await t.chat.send("/announce");
    expect(
      texts(await t.chat.send("Họp sơ kết 6 tháng lúc 8h ngày 30/6 tại hội trường")),
    ).toContain("Gửi một ảnh");
    expect(texts(await t.chat.send("Không có ảnh"))).toContain("Cả khối (7 đơn vị)");
    const preview = texts(await t.chat.send("1"));
    expect(preview).toContain("gửi tới 5 cuộc trò chuyện");
    expect(preview).toContain(
      "⚠️ 3 đơn vị chưa có ai nhận được tin (chưa ai tham gia bot): Ban Dân vận Tỉnh ủy, Ban Nội chính Tỉnh ủy,",
    );
    expect(preview).toContain("Họp sơ kết 6 tháng");
    expect(texts(await t.chat.send("Gửi"))).toContain(
      "Đang gửi thông báo #1 tới 5 cuộc trò chuyện",
    );
    expect(await t.app.deps.db.delivery.count({ where: { status: "PENDING" } })).toBe(5);

    await t.deliver();
    for (const name of ["vp", "tc", "kt", "tg"]) {
      expect(t.transport.receivedBy(name)).toEqual([
        "Họp sơ kết 6 tháng lúc 8h ngày 30/6 tại hội trường",
      ]);
    }
    expect(t.transport.receivedBy("lead")).toEqual([
      "Họp sơ kết 6 tháng lúc 8h ngày 30/6 tại hội trường",
      "📣 Thông báo #1 đã gửi xong: 5/5 thành công · 0 lỗi · 0 đã chặn bot.",
    ]);
    await t.deliver();
    expect(t.transport.delivered).toHaveLength(6);
    expect(texts(await t.chat.send("/announcements"))).toContain(
      "đã gửi 5/5 · đang chờ 0 · lỗi 0 · chặn bot 0",
    );
  });

  it("goes only to the units the lead ticks, with a photo", async () => {
    await t.chat.send("/announce Gửi ảnh tổng vệ sinh trước 17h thứ Sáu");
    await t.chat.sendFiles([{ bytes: png(30, 20, 3), fileName: "mau.png" }]);
    await t.chat.send("Chọn đơn vị");
    expect(texts(await t.chat.send("2"))).toContain("Đã chọn 1 đơn vị: Ban Tổ chức Tỉnh ủy.");
    await t.chat.send("4");
    await t.chat.send("3");
    expect(texts(await t.chat.send("3"))).toBe(
      "Đã chọn 2 đơn vị: Ban Tổ chức Tỉnh ủy, Ban Tuyên giáo Tỉnh ủy.\nTrả lời thêm số hoặc tên đơn vị để chọn hay bỏ chọn, hoặc 8 (Xong) để xem trước.",
    );
    const preview = texts(await t.chat.send("Xong"));
    expect(preview).toContain("gửi tới 2 cuộc trò chuyện");
    expect(preview).toContain("(kèm 1 ảnh)");
    await t.chat.send("Gửi");
    await t.deliver();
    expect(t.transport.receivedBy("tc")).toEqual(["Gửi ảnh tổng vệ sinh trước 17h thứ Sáu"]);
    expect(t.transport.receivedBy("kt")).toEqual([]);
    // The photo goes by its key in the store, read or signed by each platform's adapter.
    const photoKey = t.transport.delivered.find((d) => d.target.platformChatId === "tg")?.message
      .photoKey;
    expect(photoKey).toMatch(/\.png$/);
    expect(await t.app.services.evidenceStore.get(photoKey ?? "")).toEqual(png(30, 20, 3));
  });

  it("refuses to finish with no unit ticked", async () => {
    for (const line of ["/announce Thử", "Không có ảnh", "Chọn đơn vị"]) await t.chat.send(line);
    expect(texts(await t.chat.send("Xong"))).toContain("Chưa có cuộc trò chuyện nào");
    expect(await t.app.deps.db.announcement.count()).toBe(0);
  });

  it("is offered when a campaign opens, with the campaign's summary", async () => {
    await t.app.services.campaigns.close(1, 1, "operator");
    for (const line of [
      "/newcampaign",
      "Hội thi Văn Thể Mỹ",
      "-",
      "1/4/2026",
      "30/4/2026",
      "-",
      "20/4",
      "-",
    ]) {
      await t.chat.send(line);
    }
    expect(texts(await t.chat.send("Lưu và mở báo cáo"))).toContain(
      "Thông báo đợt thi đua này tới các đơn vị?",
    );
    await t.chat.send("Soạn thông báo");
    await t.chat.send("Cả khối (7 đơn vị)");
    expect(texts(await t.chat.send("Gửi"))).toContain("tới 5 cuộc trò chuyện");
    await t.deliver();
    // The units heard first that the demo campaign closed, then the launch.
    const [closed = "", received = ""] = t.transport.receivedBy("tg");
    expect(closed).toContain("đã đóng: không nhận báo cáo mới nữa");
    expect(received).toContain("📣 Phát động đợt thi đua:");
    expect(received).toContain("Hội thi Văn Thể Mỹ");
    expect(received).toContain("Hạn báo cáo: 17:00 20/04/2026");
  });
});
