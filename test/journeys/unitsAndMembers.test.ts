import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_LEAD, type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { png } from "../helpers/images.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

/*
 * A lead steering the bloc from chat: units added, renamed and retired without the
 * operator; members removed for good (an old code does not bring them back) or given
 * another role (and told); invites and reminder offsets typed as people type them.
 */

let t: TestApp;
let invites: DemoInvite[];
beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

const lead = () => t.chat.as(DEMO_LEAD);
const say = async (who: string, line: string) => texts(await t.chat.as(who).send(line));
const unitNamed = (name: string) => t.app.deps.db.unit.findFirst({ where: { name } });
/** The plain code in an "/join CODE" line the bot gave. */
const codeIn = (text: string) => /\/(?:join|thamgia) ([A-Z0-9]+)/.exec(text)?.[1] ?? "";

describe("units from chat", () => {
  it("adds a unit step by step, invites its focal point with /moi N daumoi, and takes its report the same day", async () => {
    expect(await say(DEMO_LEAD, "/donvi")).toContain("7 đơn vị đang thi đua");
    await lead().send("Thêm đơn vị");
    const added = await say(DEMO_LEAD, "Ban Đối ngoại Tỉnh ủy");
    const unit = await unitNamed("Ban Đối ngoại Tỉnh ủy");
    expect(added).toContain(`Đã thêm đơn vị “Ban Đối ngoại Tỉnh ủy” (#${unit?.id})`);

    const issued = await say(DEMO_LEAD, `/moi ${unit?.id} daumoi`);
    expect(issued).toContain("Vai trò: Cán bộ đầu mối · Ban Đối ngoại Tỉnh ủy");
    expect(await say("hoa", `/join ${codeIn(issued)}`)).toContain("Ban Đối ngoại Tỉnh ủy");
    await t.chat.as("hoa").sendFiles([{ bytes: png(8, 8, 3), fileName: "a.png" }], "#xanhsachdep");
    expect(await t.app.deps.db.report.count({ where: { unitId: unit?.id } })).toBe(1);
    expect(await say(DEMO_LEAD, "/progress")).toContain("1/8 đơn vị đã báo cáo");
    const audit = await t.app.deps.db.auditEvent.findFirstOrThrow({
      where: { action: "unit.add" },
      orderBy: { id: "desc" },
    });
    expect(audit.actor).toMatch(/^member:\d+$/);
  });

  it("refuses a new name another unit has, by name, and changes nothing", async () => {
    const answer = await say(DEMO_LEAD, "/donvi doiten 2 Văn phòng Tỉnh ủy");
    expect(answer).toContain("Khối đã có đơn vị tên “Văn phòng Tỉnh ủy”");
    expect(await unitNamed("Ban Tổ chức Tỉnh ủy")).not.toBeNull();
    expect(await t.app.deps.db.auditEvent.count({ where: { action: "unit.rename" } })).toBe(0);
    // Step by step, with numbers, the same rule; then a free name is taken.
    await lead().send("/donvi");
    await lead().send("2");
    await lead().send("2");
    expect(await say(DEMO_LEAD, "Ban Dân vận Tỉnh ủy")).toContain("Khối đã có đơn vị tên");
    // The question stays open: another name is simply typed again.
    expect(await say(DEMO_LEAD, "Ban Tổ chức")).toContain(
      "Đã đổi tên “Ban Tổ chức Tỉnh ủy” thành “Ban Tổ chức”",
    );
  });

  it("retires a unit after a confirmation: its report stays, reminders and progress leave it, its codes close", async () => {
    await say("lan", `/join ${invites[3]?.code}`);
    await say("tam", `/join ${invites[6]?.code}`);
    await t.chat.as("lan").sendFiles([{ bytes: png(8, 8, 1), fileName: "x.png" }], "#xanhsachdep");
    await lead().send("/donvi ngung 7");
    expect(await say(DEMO_LEAD, "1")).toContain(
      "“Đảng ủy Khối các cơ quan tỉnh” đã ngừng tham gia",
    );
    await lead().send("/donvi ngung 4");
    expect(await say(DEMO_LEAD, "2")).toContain("Đã để nguyên");
    expect((await unitNamed("Ban Tuyên giáo Tỉnh ủy"))?.retiredAt).toBeNull();

    const progress = await say(DEMO_LEAD, "/progress");
    expect(progress).toContain("1/6 đơn vị đã báo cáo");
    expect(progress).not.toContain("Đảng ủy Khối các cơ quan tỉnh");
    expect(await say(DEMO_LEAD, "/remind")).toContain("5 đơn vị");
    await t.deliver();
    expect(t.transport.receivedBy("tam")).toEqual([]);
    expect(await say("tu", `/join ${invites[6]?.code}`)).toContain("đã bị thu hồi");
    expect(await say(DEMO_LEAD, "/invite 7 focal")).toContain("Không tìm thấy");
    // Its history is still there: retiring Ban Tuyên giáo keeps lan's report.
    await lead().send("/donvi ngung 4");
    await lead().send("1");
    expect(await t.app.deps.db.report.count({ where: { unitId: 4 } })).toBe(1);
    expect(await say(DEMO_LEAD, "/donvi")).toContain(
      "Đã ngừng: Ban Tuyên giáo Tỉnh ủy, Đảng ủy Khối các cơ quan tỉnh",
    );
  });
});

describe("members, removed and changed", () => {
  it("keeps a removed member out when they try the unit's old code, tells the lead, and lets a new code bring them back", async () => {
    await say("lan", `/join ${invites[3]?.code}`);
    const id = (await t.app.deps.db.member.findFirstOrThrow({ where: { displayName: "lan" } })).id;
    const card = await say(DEMO_LEAD, `/thanhvien ${id}`);
    expect(card).toContain("Xóa khỏi khối");
    const asked = await say(DEMO_LEAD, "xoa khoi khoi");
    expect(asked).toContain("Người này đã vào khối bằng mã #");
    expect(await say(DEMO_LEAD, "Chỉ xóa, giữ mã cho người khác")).toContain(
      "Đã xóa lan khỏi khối",
    );

    const refused = await say("lan", `/join ${invites[3]?.code}`);
    expect(refused).toContain("Bạn đã được đưa ra khỏi khối");
    expect(await t.app.deps.db.account.count({ where: { platformUserId: "lan" } })).toBe(0);
    expect(
      await t.app.deps.db.auditEvent.count({
        where: { action: "member.rejoin_refused", actor: `member:${id}` },
      }),
    ).toBe(1);
    await t.deliver();
    expect(t.transport.receivedBy(DEMO_LEAD).join("\n")).toContain(
      "lan (đã bị xóa khỏi khối) vừa thử vào lại",
    );
    // The shared code still works for the unit's other people.
    expect(await say("minh", `/join ${invites[3]?.code}`)).toContain("Ban Tuyên giáo Tỉnh ủy");

    t.clock.advance(60_000);
    const fresh = codeIn(await say(DEMO_LEAD, "/moi 4 canbo"));
    expect(await say("lan", `/join ${fresh}`)).toContain("Ban Tuyên giáo Tỉnh ủy");
    expect(await say("lan", "/whoami")).toContain("Cán bộ");
  });

  it("revokes the code a removed member used when the lead chooses it", async () => {
    await say("lan", `/join ${invites[3]?.code}`);
    const id = (await t.app.deps.db.member.findFirstOrThrow({ where: { displayName: "lan" } })).id;
    await lead().send(`/thanhvien ${id}`);
    await lead().send("Xóa khỏi khối");
    expect(await say(DEMO_LEAD, "1")).toContain("Đã xóa lan khỏi khối và thu hồi 1 mã");
    expect(await say("minh", `/join ${invites[3]?.code}`)).toContain("đã bị thu hồi");
  });

  it("tells a member their new role, in their language", async () => {
    await say("lan", `/join ${invites[3]?.code}`);
    await say("lan", "/lang en");
    const id = (await t.app.deps.db.member.findFirstOrThrow({ where: { displayName: "lan" } })).id;
    await lead().send(`/thanhvien ${id}`);
    await lead().send("Đổi thành Cán bộ");
    await lead().send("Có, làm ngay");
    await t.deliver();
    expect(t.transport.receivedBy("lan").join("\n")).toContain(
      "The lead of Khối thi đua các cơ quan Đảng tỉnh changed your role to Officer.",
    );
  });
});

describe("what users type", () => {
  it("issues a code from /invite 2 OFFICER and /moi khoi thuongtruc, and refuses a unit role without a unit", async () => {
    expect(await say(DEMO_LEAD, "/invite 2 OFFICER")).toContain(
      "Vai trò: Cán bộ · Ban Tổ chức Tỉnh ủy",
    );
    expect(await say(DEMO_LEAD, "/moi khoi thuongtruc")).toContain("Vai trò: Thường trực khối");
    expect(await say(DEMO_LEAD, "/moi khoi canbo")).toContain("chỉ có thể là thường trực khối");
    expect(await say(DEMO_LEAD, "/moi 2 giamdoc")).toContain("/moi 2 canbo");
    // A unit alone asks the role, as the steps do.
    expect(await say(DEMO_LEAD, "/moi 2")).toContain("Vai trò của người dùng mã này?");
  });

  it("reads '2 ngày' and '3 giờ' in /reminders and refuses an offset longer than the campaign", async () => {
    expect(await say(DEMO_LEAD, "/reminders 1 2 ngày, 3 giờ")).toContain("2d,3h");
    const refused = await say(DEMO_LEAD, "/lichnhac 1 99999 ngày");
    expect(refused).toContain("dài hơn cả đợt thi đua");
    const campaign = await t.app.deps.db.campaign.findUniqueOrThrow({ where: { id: 1 } });
    expect(campaign.reminderOffsets).toBe("2880,180");
  });
});
