import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_LEAD, type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { png } from "../helpers/images.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

/* The lead's housekeeping: change a role, remove someone who left, with a confirmation. */

let t: TestApp;
let invites: DemoInvite[];
beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  await t.chat.as("lan").send(`/join ${invites[3]?.code}`);
});
afterEach(() => t.close());

const lead = () => t.chat.as(DEMO_LEAD);
const memberId = async (name: string) =>
  (await t.app.deps.db.member.findFirstOrThrow({ where: { displayName: name } })).id;

describe("/members", () => {
  it("lists everyone with the number that opens them", async () => {
    const list = texts(await lead().send("/thanhvien"));
    expect(list).toContain(
      `#${await memberId("lan")} lan — Cán bộ đầu mối, Ban Tuyên giáo Tỉnh ủy`,
    );
    expect(list).toContain("/thanhvien kèm số của họ");
  });

  it("removes a member mid-campaign after a confirmation: queued messages stop, the bot forgets them, reports stay", async () => {
    await t.chat.as("lan").sendFiles([{ bytes: png(8, 8, 1), fileName: "x.png" }], "#xanhsachdep");
    const id = await memberId("lan");
    // An announcement is queued for lan but not delivered yet.
    for (const line of ["/announce Họp giao ban", "Không có ảnh", "1", "Gửi"]) {
      await lead().send(line);
    }
    const card = texts(await lead().send(`/thanhvien ${id}`));
    expect(card).toContain("Vai trò: Cán bộ đầu mối");
    expect(card).toContain("Xóa khỏi khối");
    expect(texts(await lead().send("xoa khoi khoi"))).toContain("Xóa lan khỏi khối?");
    expect(texts(await lead().send("co"))).toContain("Đã xóa lan khỏi khối.");

    await t.deliver();
    expect(t.transport.receivedBy("lan")).toEqual([]);
    expect(texts(await t.chat.as("lan").send("/status"))).toContain("chưa được liên kết");
    expect(texts(await lead().send("/members"))).not.toContain("lan —");
    expect(await t.app.deps.db.report.count({ where: { unitId: 4 } })).toBe(1);
    const audit = await t.app.deps.db.auditEvent.findFirstOrThrow({
      where: { action: "member.remove" },
    });
    expect(JSON.parse(audit.details)).toMatchObject({ memberId: id, name: "lan" });
    // The next announcement counts their unit as one nobody can be reached in.
    await lead().send("/announce Lịch trực Tết");
    await lead().send("Không có ảnh");
    expect(texts(await lead().send("1"))).toContain("Ban Tuyên giáo Tỉnh ủy");
  });

  it("changes a role after a confirmation, and the new role takes effect at once", async () => {
    const invite = await t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: 4,
      role: "OFFICER",
      issuer: "operator",
    });
    await t.chat.as("hoa").send(`/join ${invite.code}`);
    expect(texts(await t.chat.as("hoa").send("/report"))).toContain("không có quyền");
    await lead().send(`/members ${await memberId("hoa")}`);
    expect(texts(await lead().send("Đổi thành Cán bộ đầu mối"))).toContain(
      "Đổi vai trò của hoa thành Cán bộ đầu mối?",
    );
    expect(texts(await lead().send("1"))).toContain("hoa giờ là Cán bộ đầu mối.");
    expect(texts(await t.chat.as("hoa").send("/report"))).toContain("báo cáo cho hạn nào?");
    expect(await t.app.deps.db.auditEvent.count({ where: { action: "member.role" } })).toBe(1);
  });

  it("changes nothing when the lead says no, or opens a number that is not a member", async () => {
    const id = await memberId("lan");
    await lead().send(`/members ${id}`);
    await lead().send("Xóa khỏi khối");
    expect(texts(await lead().send("ko"))).toContain("Đã để nguyên");
    expect(texts(await t.chat.as("lan").send("/status"))).toContain("Ban Tuyên giáo Tỉnh ủy");
    expect(texts(await lead().send("/members 999"))).toContain("Không tìm thấy");
    expect(texts(await lead().send("/members abc"))).toContain("/thanhvien 12");
    expect(texts(await t.chat.as("lan").send(`/members ${id}`))).toContain("không có quyền");
  });

  it("never removes the bloc's last lead", async () => {
    const leadId = (await t.app.deps.db.member.findFirstOrThrow({ where: { role: "LEAD" } })).id;
    await lead().send(`/members ${leadId}`);
    await lead().send("Xóa khỏi khối");
    expect(texts(await lead().send("Có, làm ngay"))).toContain(
      "Khối phải còn ít nhất một thường trực",
    );
    expect(texts(await lead().send("/whoami"))).toContain("Thường trực khối");
  });
});
