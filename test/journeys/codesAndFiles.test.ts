import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_LEAD, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { legacyInviteHash } from "../../src/features/membership/inviteCode.ts";
import { png } from "../helpers/images.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";
import { testProvider } from "../helpers/testDatabase.ts";

/* Invite codes an attacker cannot recover or mass-guess, and files only the bot reads. */

let t: TestApp;
afterEach(() => t.close());

const mode = (path: string) => statSync(path).mode & 0o777;

describe("invite codes", () => {
  it("are hashed with a server key kept in the data folder (0600), and old plain hashes still work", async () => {
    t = await createTestApp();
    const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    expect(mode(join(t.dir, "keys", "invite-code.key"))).toBe(0o600);
    const stored = await t.app.deps.db.inviteCode.findFirstOrThrow({
      where: { unitId: 2, role: "FOCAL" },
    });
    expect(stored.codeHash).not.toBe(legacyInviteHash((invites[1]?.code ?? "").replace("-", "")));
    expect(texts(await t.chat.as("lan").send(`/join ${invites[1]?.code}`))).toContain("Chào mừng");

    // A code issued before the key existed.
    await t.app.deps.db.inviteCode.create({
      data: {
        codeHash: legacyInviteHash("K7QM3XPA"),
        blocId: 1,
        unitId: 3,
        role: "FOCAL",
        expiresAt: new Date(t.clock.now().getTime() + 86_400_000),
        maxUses: 5,
        createdBy: "operator",
      },
    });
    expect(texts(await t.chat.as("minh").send("/join K7QM-3XPA"))).toContain("Chào mừng");
  });

  it("pause for newcomers when too many wrong codes come from many chats; members still link their groups", async () => {
    t = await createTestApp({ env: { INVITE_MAX_FAILED_TRIES_OVERALL: "10" } });
    const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    const unit2 = invites[1]?.code ?? "";
    expect(texts(await t.chat.as("lan").send(`/join ${unit2}`))).toContain("Chào mừng");
    for (let i = 0; i < 10; i++) {
      expect(texts(await t.chat.as(`guesser-${i}`).send("/join AAAA-AAAA"))).toContain(
        "không đúng",
      );
    }
    const paused = texts(await t.chat.as("guesser-11").send("/join AAAA-AAAA"));
    expect(paused).toContain("tạm dừng");
    // A newcomer's real code waits too, for the window: a guesser cannot tell a hit from a miss.
    expect(texts(await t.chat.as("minh").send(`/join ${unit2}`))).toContain("tạm dừng");
    expect(await t.app.deps.db.account.count({ where: { platformUserId: "minh" } })).toBe(0);
    // Lan, a member, links her unit's group with the code the lead gave her, and the lead his.
    expect(texts(await t.chat.as("lan", "to-2").send(`/join ${unit2}`))).toContain(
      "Đã liên kết nhóm",
    );
    expect(
      texts(await t.chat.as(DEMO_LEAD, "khoi").send(`/join ${invites[0]?.code ?? ""}`)),
    ).toContain("Đã liên kết nhóm");
    const linked = await t.app.deps.db.chat.findMany({
      where: { kind: "GROUP" },
      orderBy: { platformChatId: "asc" },
    });
    expect(linked.map((c) => [c.platformChatId, c.unitId])).toEqual([
      ["group:khoi", 1],
      ["group:to-2", 2],
    ]);
    await t.chat.as("guesser-12").send("/join AAAA-AAAA");
    await t.deliver();
    const alerts = t.transport.receivedBy(DEMO_LEAD).filter((m) => m.includes("dò mã"));
    expect(alerts).toHaveLength(1);
  });

  it("count per person as well as per chat: five wrong codes in five groups use up the person's tries", async () => {
    t = await createTestApp();
    const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    const unit2 = invites[1]?.code ?? "";
    await t.chat.as("lan").send(`/join ${unit2}`);
    for (let i = 1; i <= 5; i++) {
      expect(texts(await t.chat.as("lan", `nhom-${i}`).send("/join AAAA-AAAA"))).toContain(
        "không đúng",
      );
    }
    expect(texts(await t.chat.as("lan", "nhom-6").send(`/join ${unit2}`))).toContain(
      "quá nhiều lần",
    );
    expect(await t.app.deps.db.chat.count({ where: { kind: "GROUP" } })).toBe(0);
    // Another member in a fresh group is not held by Lan's tries.
    await t.chat.as("minh").send(`/join ${unit2}`);
    expect(texts(await t.chat.as("minh", "nhom-6").send(`/join ${unit2}`))).toContain(
      "Đã liên kết nhóm",
    );
  });
});

describe("files on disk", () => {
  it("are readable by the bot's user only: database 0600, evidence 0600 in 0700 folders", async () => {
    t = await createTestApp();
    const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    await t.chat.as("lan").send(`/join ${invites[1]?.code}`);
    const replies = await t.chat
      .as("lan")
      .sendFiles([{ bytes: png(30, 30, 4), fileName: "a.png" }], "#xanhsachdep");
    expect(texts(replies)).toContain("✅ Đã lưu");
    const evidence = await t.app.deps.db.evidence.findFirstOrThrow();
    const file = join(t.dir, "evidence", evidence.storageKey);
    expect(mode(file)).toBe(0o600);
    expect(mode(join(file, ".."))).toBe(0o700);
    // On PostgreSQL the server keeps the data; only SQLite's file is ours to protect.
    if (testProvider() === "sqlite") expect(mode(join(t.dir, "thidua.db"))).toBe(0o600);
  });
});
