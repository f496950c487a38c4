import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD, type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

/*
 * The bloc's year in the console chat: the registration (one approved, one returned,
 * one late, one missing), then the secret ballot of the seven demo units — one
 * abstains, one changes its vote, a second focal point of a voted unit is refused, a
 * tie at the threshold goes to a second round — and the result every unit hears.
 */

let t: TestApp;
let invites: DemoInvite[];

beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

const lead = () => t.chat.as(DEMO_LEAD);
const say = async (who: string, text: string) => texts(await t.chat.as(who).send(text));
const focal = (i: number) => `focal${i}`;

async function joinAll() {
  for (let i = 0; i < 7; i++) await say(focal(i), `/join ${invites[i]?.code}`);
}

describe("the year's registration in chat", () => {
  it("opens, registers, approves one, returns one, marks late and names the missing", async () => {
    await joinAll();
    expect(await say(focal(1), "/dangky")).toContain("chưa mở đăng ký thi đua");
    expect(await say(DEMO_LEAD, "/dangky")).toContain("Hạn đăng ký là ngày nào?");
    expect(await say(DEMO_LEAD, "hôm qua")).toContain('Không đọc được ngày "hôm qua"');
    const titles = await say(DEMO_LEAD, "31/3");
    expect(titles).toContain("1. Tập thể Lao động xuất sắc");
    expect(titles).toContain("4. Bằng khen của Chủ tịch UBND tỉnh");
    expect(await say(DEMO_LEAD, "Giữ danh sách này và mở đăng ký")).toContain(
      "Đã mở đăng ký thi đua năm 2026, hạn 17:00 31/03/2026",
    );
    await t.deliver();
    expect(t.transport.receivedBy(focal(4)).join("\n")).toContain(
      "Khối mở đăng ký thi đua năm 2026",
    );

    // Unit 1 registers: two titles typed as numbers, commitments on two lines.
    expect(await say(focal(1), "/dangky")).toContain("Chọn danh hiệu đơn vị đăng ký");
    expect(await say(focal(1), "1, 3")).toContain("Gõ các chỉ tiêu");
    expect(
      await say(focal(1), "100% cán bộ hoàn thành nhiệm vụ\nKhông có vi phạm kỷ luật"),
    ).toContain("Đã ghi 2 chỉ tiêu");
    const preview = await say(focal(1), "xong");
    expect(preview).toContain("Danh hiệu: Tập thể Lao động xuất sắc; Cờ thi đua của UBND tỉnh");
    expect(preview).toContain("• Không có vi phạm kỷ luật");
    expect(await say(focal(1), "1")).toContain("Đã gửi đăng ký của Ban Tổ chức Tỉnh ủy (lần 1)");
    // Changed before approval: the second version replaces the first.
    await say(focal(1), "/dangky");
    await say(focal(1), "1");
    await say(focal(1), "xong");
    await say(focal(1), "Hoàn thành 100% chỉ tiêu được giao");
    await say(focal(1), "xong");
    expect(await say(focal(1), "1")).toContain("(lần 2)");

    // Unit 2 registers too; the lead approves unit 1 and returns unit 2.
    await say(focal(2), "/dangky");
    await say(focal(2), "2, 4");
    await say(focal(2), "Giữ vững đơn vị an toàn");
    await say(focal(2), "xong");
    await say(focal(2), "1");
    const status = await say(DEMO_LEAD, "/dangky");
    expect(status).toContain("Đã duyệt 0 · chờ duyệt 2 · trả lại 0 · chưa đăng ký 5");
    expect(status).toContain(
      "Chưa đăng ký: Văn phòng Tỉnh ủy, Ban Tuyên giáo Tỉnh ủy, Ban Dân vận",
    );
    const card = await say(DEMO_LEAD, "1");
    expect(card).toContain("Ban Tổ chức Tỉnh ủy — chờ duyệt");
    expect(card).toContain("• Hoàn thành 100% chỉ tiêu được giao");
    const next = await say(DEMO_LEAD, "Duyệt");
    expect(next).toContain("Đã duyệt đăng ký của Ban Tổ chức Tỉnh ủy.");
    expect(next).toContain("Ủy ban Kiểm tra Tỉnh ủy — chờ duyệt");
    await say(DEMO_LEAD, "2");
    expect(await say(DEMO_LEAD, "Chỉ tiêu chưa cụ thể")).toContain(
      "Đã trả lại đăng ký của Ủy ban Kiểm tra Tỉnh ủy",
    );
    await t.deliver();
    expect(t.transport.receivedBy(focal(1)).join("\n")).toContain(
      "của Ban Tổ chức Tỉnh ủy đã được thường trực khối duyệt",
    );
    expect(t.transport.receivedBy(focal(2)).join("\n")).toContain("Lý do: Chỉ tiêu chưa cụ thể");

    // Approved: no more changes. Returned: it can be sent again.
    expect(await say(focal(1), "/dangky")).toContain(
      "đã được thường trực khối duyệt nên không sửa được",
    );
    expect(await say(focal(2), "/dangky")).toContain("Lý do trả lại: Chỉ tiêu chưa cụ thể");

    // After the deadline a unit still registers, marked late.
    t.clock.advance(40 * DAY);
    await say(focal(3), "/dangky");
    await say(focal(3), "2");
    await say(focal(3), "xong");
    await say(focal(3), "Tham gia đầy đủ phong trào");
    await say(focal(3), "xong");
    expect(await say(focal(3), "1")).toContain("ghi là nộp muộn");

    const records = await t.app.services.registrations.records(1, 2026);
    expect(records.map((r) => [r.unitName, r.state, r.late])).toEqual([
      ["Văn phòng Tỉnh ủy", "NONE", false],
      ["Ban Tổ chức Tỉnh ủy", "APPROVED", false],
      ["Ủy ban Kiểm tra Tỉnh ủy", "RETURNED", false],
      ["Ban Tuyên giáo Tỉnh ủy", "AWAITING", true],
      ["Ban Dân vận Tỉnh ủy", "NONE", false],
      ["Ban Nội chính Tỉnh ủy", "NONE", false],
      ["Đảng ủy Khối các cơ quan tỉnh", "NONE", false],
    ]);
    expect(records[1]?.commitments).toEqual(["Hoàn thành 100% chỉ tiêu được giao"]);
  });
});
