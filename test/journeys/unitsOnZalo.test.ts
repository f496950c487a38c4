import { afterEach, describe, expect, it } from "vitest";
import { png } from "../helpers/images.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/* The lead on a Zalo phone: no buttons, numbered answers, codes typed by hand. */

let h: ZaloHarness;
afterEach(() => h?.close());

const LEAD = "1a2b3c4d5e6f70819203";
const HOA = "7f7e7d7c7b7a79787776";
const LAN = "6ede9afa66b88fe6d6a9";

async function zaloLead(): Promise<void> {
  const invite = await h.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: null,
    role: "LEAD",
    issuer: "operator",
  });
  await h.say(LEAD, `/join ${invite.code}`, 2);
}

describe("units and members from a Zalo phone", () => {
  it("adds a unit with numbered answers, invites its focal point, and takes its report the same day", async () => {
    h = await startZaloBot();
    await zaloLead();
    const [list = ""] = await h.say(LEAD, "/donvi");
    expect(list).toContain("7 đơn vị đang thi đua");
    expect(list).toContain("1. Thêm đơn vị");
    expect((await h.say(LEAD, "1"))[0]).toContain("Tên đơn vị mới là gì?");
    const [added = ""] = await h.say(LEAD, "Ban Doi ngoai Tinh uy");
    expect(added).toContain("Đã thêm đơn vị “Ban Doi ngoai Tinh uy” (#8)");
    const [issued = ""] = await h.say(LEAD, "/moi 8 daumoi");
    expect(issued).toContain("Cán bộ đầu mối · Ban Doi ngoai Tinh uy");
    // No Telegram here: no t.me link to offer.
    expect(issued).not.toContain("t.me");
    const code = /\/(?:join|thamgia) ([A-Z0-9]+)/.exec(issued)?.[1] ?? "";
    expect((await h.say(HOA, `/thamgia ${code}`, 2))[0]).toContain("Ban Doi ngoai Tinh uy");
    h.fake.image(HOA, "Hoa", png(30, 30, 4), { caption: "#xanhsachdep" });
    await h.fake.until(() => h.fake.textsTo(HOA).some((m) => m.includes("✅")));
    expect(h.fake.textsTo(HOA).join("\n")).toContain("Ban Doi ngoai Tinh uy");
    const [progress = ""] = await h.say(LEAD, "/tiendo");
    expect(progress).toContain("1/8 đơn vị đã báo cáo");
  });

  it("keeps out a removed focal point who types the unit's old code again", async () => {
    h = await startZaloBot();
    await zaloLead();
    await h.say(LAN, `/join ${h.invites[3]?.code}`, 2);
    const lan = await h.t.app.deps.db.member.findFirstOrThrow({ where: { unitId: 4 } });
    const [card = ""] = await h.say(LEAD, `/thanhvien ${lan.id}`);
    const remove = /(\d+)\. Xóa khỏi khối/.exec(card)?.[1] ?? "";
    const [asked = ""] = await h.say(LEAD, remove);
    expect(asked).toContain("1. Xóa và thu hồi mã đó");
    expect(asked).toContain("2. Chỉ xóa, giữ mã cho người khác");
    expect((await h.say(LEAD, "2"))[0]).toContain("Đã xóa");

    const [refused = ""] = await h.say(LAN, `/thamgia ${h.invites[3]?.code}`);
    expect(refused).toContain("Bạn đã được đưa ra khỏi khối");
    expect(await h.t.app.deps.db.account.count({ where: { platformUserId: LAN } })).toBe(0);
    const alert = await h.t.app.deps.db.delivery.findFirstOrThrow({
      where: { platformChatId: LEAD, kind: "ALERT" },
    });
    expect(alert.text).toContain("vừa thử vào lại bằng mã #");
  });
});
