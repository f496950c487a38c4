import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_LEAD, type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

/*
 * Who may link a group to a unit: the bloc's lead, or that unit's focal point; a code
 * is a proof, not a ticket (its uses stay); a linked group moves only at its lead's
 * confirmed word.
 */

let t: TestApp;
let invites: DemoInvite[];
beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

const code = (unit: number) => invites[unit - 1]?.code ?? "";
const group = (name: string) =>
  t.app.deps.db.chat.findFirst({ where: { platform: "console", platformChatId: `group:${name}` } });
const uses = async () =>
  (await t.app.deps.db.inviteCode.findMany({ orderBy: { id: "asc" } })).map((i) => i.uses);

async function member(name: string, unit: number) {
  expect(texts(await t.chat.as(name).send(`/join ${code(unit)}`))).toContain("Chào mừng");
}

describe("linking a group", () => {
  it("works for the unit's focal point, also as /join CODE@bot, and uses nothing up", async () => {
    await member("lan", 2);
    const before = await uses();
    const replies = texts(
      await t.chat.as("lan", "ban-to-chuc").send(`/join ${code(2)}@thidua_bot`),
    );
    expect(replies).toContain("Đã liên kết nhóm này với Ban Tổ chức Tỉnh ủy");
    expect((await group("ban-to-chuc"))?.unitId).toBe(2);
    expect(await uses()).toEqual(before);
  });

  it("is refused to an officer of another unit, to a stranger, and to anyone holding a LEAD code", async () => {
    await member("lan", 2);
    await t.chat.as("lan", "ban-tuyen-giao").send(`/join ${code(2)}`);
    const before = { uses: await uses(), group: await group("ban-tuyen-giao") };

    // Lan (unit 2) with unit 4's code: not her unit.
    expect(texts(await t.chat.as("lan", "ban-tuyen-giao").send(`/join ${code(4)}`))).toContain(
      "không có quyền",
    );
    // A stranger with a valid code.
    expect(texts(await t.chat.as("kẻ lạ", "ban-tuyen-giao").send(`/join ${code(4)}`))).toContain(
      "tham gia trước trong tin nhắn riêng",
    );
    // A single-use LEAD code in an officer's hands.
    const lead = await t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      maxUses: 1,
      issuer: "operator",
    });
    expect(texts(await t.chat.as("lan", "ban-tuyen-giao").send(`/join ${lead.code}`))).toContain(
      "không có quyền",
    );
    expect(
      (await t.app.deps.db.inviteCode.findUniqueOrThrow({ where: { id: lead.id } })).uses,
    ).toBe(0);
    expect(await group("ban-tuyen-giao")).toEqual(before.group);
    expect((await uses()).slice(0, before.uses.length)).toEqual(before.uses);
  });

  it("moves a linked group only at its lead's word, after a confirmation", async () => {
    await member("lan", 2);
    await t.chat.as("lan", "nhom").send(`/join ${code(2)}`);
    // The focal point of unit 2 cannot take it to unit 3.
    await member("minh", 3);
    expect(texts(await t.chat.as("minh", "nhom").send(`/join ${code(3)}`))).toContain(
      "chỉ trưởng khối của khối đó mới chuyển được nhóm",
    );
    expect((await group("nhom"))?.unitId).toBe(2);

    const ask = await t.chat.as(DEMO_LEAD, "nhom").send(`/join ${code(3)}`);
    expect(texts(ask)).toContain(
      "Nhóm này đang gắn với Ban Tổ chức Tỉnh ủy. Chuyển nhóm sang Ủy ban Kiểm tra Tỉnh ủy?",
    );
    expect(texts(await t.chat.as(DEMO_LEAD, "nhom").send("2"))).toContain("Đã giữ nguyên");
    expect((await group("nhom"))?.unitId).toBe(2);

    await t.chat.as(DEMO_LEAD, "nhom").send(`/join ${code(3)}`);
    expect(texts(await t.chat.as(DEMO_LEAD, "nhom").send("1"))).toContain(
      "Đã liên kết nhóm này với Ủy ban Kiểm tra Tỉnh ủy",
    );
    expect((await group("nhom"))?.unitId).toBe(3);
  });
});
