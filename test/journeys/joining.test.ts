import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY, MINUTE } from "../../src/core/clock.ts";
import { type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

let t: TestApp;
let invites: DemoInvite[];

/** Counts the rows bad input must leave alone. */
async function snapshot() {
  const db = t.app.deps.db;
  return {
    members: await db.member.count(),
    accounts: await db.account.count(),
    chats: await db.chat.count(),
    uses: (await db.inviteCode.findMany({ orderBy: { id: "asc" } })).map((i) => i.uses),
  };
}

beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

const focalCode = () => invites[3]?.code ?? "";

describe("joining a bloc with an invite code", () => {
  it("welcomes a stranger and tells them how to join", async () => {
    const replies = texts(await t.chat.as("lan").send("/start"));
    expect(replies).toContain("/thamgia MÃ-MỜI");
    expect(await snapshot()).toMatchObject({ members: 1 });
  });

  it("links an officer to their unit with /join and shows it in /whoami", async () => {
    const joined = texts(await t.chat.as("lan").send(`/join ${focalCode()}`));
    expect(joined).toContain("Ban Tuyên giáo Tỉnh ủy");
    expect(joined).toContain("Cán bộ đầu mối");
    const who = texts(await t.chat.send("/whoami"));
    expect(who).toContain("lan");
    expect(who).toContain("Ban Tuyên giáo Tỉnh ủy");
    expect(who).toContain("Khối thi đua các cơ quan Đảng tỉnh");
  });

  it("accepts the code from a deep link (/start CODE), without dash and in lower case", async () => {
    const code = focalCode().replace("-", "").toLowerCase();
    expect(texts(await t.chat.as("minh").send(`/start ${code}`))).toContain("Ban Tuyên giáo");
    expect(await t.app.deps.db.member.count()).toBe(2);
  });

  it("refuses a wrong code politely and changes nothing", async () => {
    const before = await snapshot();
    expect(texts(await t.chat.as("lan").send("/join ABCD-EFGH"))).toContain("Mã mời không đúng");
    expect(texts(await t.chat.send("/join 123"))).toContain("Mã mời không đúng");
    expect(await snapshot()).toEqual(before);
  });

  it("asks for the code when /join has none", async () => {
    expect(texts(await t.chat.as("lan").send("/join"))).toContain("Ví dụ: /thamgia K7QM-3XPA");
  });

  it("refuses an expired code", async () => {
    t.clock.advance(15 * DAY);
    const before = await snapshot();
    expect(texts(await t.chat.as("lan").send(`/join ${focalCode()}`))).toContain("hết hạn");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a revoked code", async () => {
    const invite = await t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: 2,
      role: "OFFICER",
      issuer: "operator",
    });
    await t.app.services.membership.revokeInvite(invite.id, "operator");
    expect(texts(await t.chat.as("lan").send(`/join ${invite.code}`))).toContain("thu hồi");
  });

  it("refuses a code whose uses are spent", async () => {
    const invite = await t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: 2,
      role: "OFFICER",
      maxUses: 1,
      issuer: "operator",
    });
    expect(texts(await t.chat.as("an").send(`/join ${invite.code}`))).toContain("Chào mừng");
    expect(texts(await t.chat.as("binh").send(`/join ${invite.code}`))).toContain("hết lượt");
  });

  it("stops guessing after five wrong codes in ten minutes, then lets the chat try again", async () => {
    t.chat.as("guesser");
    for (let i = 0; i < 5; i++) await t.chat.send("/join ZZZZ-ZZZZ");
    const blocked = texts(await t.chat.send(`/join ${focalCode()}`));
    expect(blocked).toContain("quá nhiều lần");
    expect(await t.app.deps.db.member.count()).toBe(1);
    t.clock.advance(11 * MINUTE);
    expect(texts(await t.chat.send(`/join ${focalCode()}`))).toContain("Chào mừng");
  });

  it("tells a member who joins again that they already belong", async () => {
    await t.chat.as("lan").send(`/join ${focalCode()}`);
    const before = await snapshot();
    expect(texts(await t.chat.send(`/join ${invites[0]?.code}`))).toContain("đã là thành viên");
    expect(await snapshot()).toEqual(before);
  });

  it("answers a chat no code linked with a polite refusal and nothing else", async () => {
    const before = await snapshot();
    expect(texts(await t.chat.as("stranger").send("xin chào"))).toContain("chưa được liên kết");
    expect(texts(await t.chat.send("/whoami"))).toContain("chưa được liên kết");
    expect(texts(await t.chat.send("/invite"))).toContain("chưa được liên kết");
    expect(await snapshot()).toEqual(before);
  });

  it("answers an unknown command with a pointer to /help", async () => {
    expect(texts(await t.chat.as("lead").send("/frobnicate"))).toContain(
      "Không có lệnh /frobnicate",
    );
  });
});

describe("language and help", () => {
  it("switches a member to English and keeps it after a restart", async () => {
    await t.chat.as("lan").send(`/join ${focalCode()}`);
    expect(texts(await t.chat.send("/lang en"))).toBe("Language set to English.");
    t = await t.restart();
    expect(texts(await t.chat.as("lan").send("/whoami"))).toContain("Role: Focal point");
  });

  it("refuses an unsupported language with an example", async () => {
    await t.chat.as("lan").send(`/join ${focalCode()}`);
    expect(texts(await t.chat.send("/lang fr"))).toContain("/ngonngu vi | /ngonngu en");
  });

  it("lists only what the member's role may do", async () => {
    await t.chat.as("lan").send(`/join ${focalCode()}`);
    const officerHelp = texts(await t.chat.send("/help"));
    expect(officerHelp).toContain("/whoami");
    expect(officerHelp).not.toContain("/invite");
    expect(officerHelp).not.toContain("/join");
    const leadHelp = texts(await t.chat.as("lead").send("/help"));
    expect(leadHelp).toContain("/invite");
    expect(leadHelp).toContain("/members");
    const strangerHelp = texts(await t.chat.as("nobody").send("/help"));
    expect(strangerHelp).toContain("/join");
    expect(strangerHelp).not.toContain("/whoami");
  });

  it("answers a stranger in the language their app reports", async () => {
    const replies = await t.app.router.handle(
      {
        updateId: "en-1",
        chat: { platform: "console", platformChatId: "tom", kind: "PRIVATE" },
        from: { platformUserId: "tom", displayName: "Tom", languageHint: "en-GB" },
        receivedAt: new Date(),
        payload: { type: "command", command: "start", args: "" },
      },
      t.chat.capabilities,
    );
    expect(texts(replies)).toContain("To join, send");
  });
});

describe("roles", () => {
  it("refuses lead commands to an officer, and explains", async () => {
    await t.chat.as("lan").send(`/join ${focalCode()}`);
    const before = await t.app.deps.db.inviteCode.count();
    expect(texts(await t.chat.send("/invite"))).toContain("không có quyền");
    expect(texts(await t.chat.send("/members"))).toContain("không có quyền");
    expect(await t.app.deps.db.inviteCode.count()).toBe(before);
  });

  it("lets a lead issue a code by picking a unit and a role, by number or by name", async () => {
    const unitQuestion = await t.chat.as("lead").send("/invite");
    expect(texts(unitQuestion)).toContain("1. Văn phòng Tỉnh ủy");
    expect(texts(unitQuestion)).toContain("Trả lời 1, 2,");
    const roleQuestion = texts(await t.chat.send("2"));
    expect(roleQuestion).toContain("Cán bộ đầu mối");
    const issued = texts(await t.chat.send("cán bộ"));
    const code = /\/thamgia ([A-Z0-9]{8})/.exec(issued)?.[1] ?? "";
    expect(issued).toContain("Ban Tổ chức Tỉnh ủy");
    // The role the code gives, in words (it once read "role.[object Object]").
    expect(issued).toContain("Vai trò: Cán bộ · Ban Tổ chức Tỉnh ủy");
    const joined = texts(await t.chat.as("hoa").send(`/join ${code}`));
    expect(joined).toContain("Ban Tổ chức Tỉnh ủy");
    expect(joined).toMatch(/vai trò Cán bộ \(/);
  });

  it("repeats the question when the answer is not one of the choices", async () => {
    await t.chat.as("lead").send("/invite");
    expect(texts(await t.chat.send("99"))).toContain("Vui lòng chọn");
    expect(texts(await t.chat.send("Ban Dân vận Tỉnh ủy"))).toContain("Vai trò");
  });

  it("keeps a half-finished /invite across a restart", async () => {
    await t.chat.as("lead").send("/invite");
    t = await t.restart();
    expect(texts(await t.chat.as("lead").send("1"))).toContain("Vai trò");
  });

  it("forgets a half-finished flow after it expires", async () => {
    await t.chat.as("lead").send("/invite");
    t.clock.advance(61 * MINUTE);
    expect(texts(await t.chat.send("1"))).toContain("chưa hiểu");
  });

  it("lets /cancel abandon a flow", async () => {
    await t.chat.as("lead").send("/invite");
    expect(texts(await t.chat.send("/cancel"))).toContain("Đã hủy");
    expect(texts(await t.chat.send("1"))).toContain("chưa hiểu");
  });
});

describe("group chats", () => {
  it("ignores chatter in a group but answers commands", async () => {
    t.chat.as("lan", "ban-tuyen-giao");
    expect(await t.chat.send("chào cả nhà")).toEqual([]);
    expect(texts(await t.chat.send("/help"))).toContain("/join");
  });
});
