import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AdminError, runAdminCommand } from "../../src/admin/adminCommands.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const admin = (line: string[]) => runAdminCommand(t.app, line);

describe("bootstrapping a real bloc from the terminal", () => {
  it("creates a bloc and units, issues the first lead's code, and the lead joins with it", async () => {
    const bloc = (await admin(["bloc", "create", "Khối", "thi", "đua", "các", "sở"])).json as {
      id: number;
    };
    await admin(["unit", "add", String(bloc.id), "Sở Nội vụ"]);
    await admin(["unit", "add", String(bloc.id), "Sở Tư phap"]);
    const renamed = await admin(["unit", "rename", "2", "Sở Tư pháp"]);
    expect(renamed.text).toBe("unit 2: Sở Tư pháp");
    const units = (await admin(["unit", "list", String(bloc.id), "--json"])).json as {
      name: string;
    }[];
    expect(units.map((u) => u.name)).toEqual(["Sở Nội vụ", "Sở Tư pháp"]);
    expect((await admin(["unit", "retire", "1"])).text).toBe(
      "unit 1: Sở Nội vụ retired (0 codes revoked)",
    );
    expect((await admin(["unit", "list", String(bloc.id)])).text).toBe(
      "1\tSở Nội vụ\tretired\n2\tSở Tư pháp",
    );

    const invite = (await admin(["invite", "create", "--bloc", "1", "--role", "lead", "--json"]))
      .json as { code: string; maxUses: number };
    expect(invite.maxUses).toBe(1);
    expect(texts(await t.chat.as("chanh-van-phong").send(`/join ${invite.code}`))).toContain(
      "Thường trực khối",
    );
    const members = (await admin(["member", "list", "1"])).json as { role: string }[];
    expect(members).toEqual([
      { id: 1, name: "chanh-van-phong", role: "LEAD", unit: null, platforms: ["console"] },
    ]);
  });

  it("refuses a bloc whose time zone is not an IANA name, and creates nothing", async () => {
    await expect(admin(["bloc", "create", "Khối B", "--tz", "Hanoi"])).rejects.toThrow(
      '"Hanoi" is not an IANA time zone',
    );
    await expect(admin(["bloc", "create", "Khối B", "--tz", "'; DROP"])).rejects.toThrow(
      "is not an IANA time zone",
    );
    expect(await t.app.deps.db.bloc.count()).toBe(0);
  });

  it("lists invites with their state and revokes one", async () => {
    await admin(["bloc", "create", "Khối A"]);
    await admin(["unit", "add", "1", "Đơn vị 1"]);
    await admin([
      "invite",
      "create",
      "--bloc",
      "1",
      "--unit",
      "1",
      "--role",
      "FOCAL",
      "--uses",
      "2",
    ]);
    await admin(["invite", "revoke", "1"]);
    const list = (await admin(["invite", "list", "1"])).json as {
      state: string;
      maxUses: number;
    }[];
    expect(list).toMatchObject([{ state: "revoked", maxUses: 2 }]);
  });

  it("refuses bad commands with a one-line reason and a non-zero exit code", async () => {
    await expect(admin(["bloc", "frob"])).rejects.toMatchObject({ exitCode: 2 });
    await expect(admin(["unit", "add", "x", "Tên"])).rejects.toThrow(
      /blocId must be a positive number/,
    );
    await expect(admin(["unit", "add", "9", "Tên"])).rejects.toThrow("Not found");
    await expect(admin(["invite", "create", "--bloc", "1", "--role", "BOSS"])).rejects.toThrow(
      "--role must be LEAD, REVIEWER, FOCAL or OFFICER",
    );
    await admin(["bloc", "create", "Khối A"]);
    await expect(admin(["bloc", "create", "Khối A"])).rejects.toThrow("already taken");
    await expect(
      admin(["invite", "create", "--bloc", "1", "--role", "FOCAL"]),
    ).rejects.toBeInstanceOf(AdminError);
    expect(await t.app.deps.db.inviteCode.count()).toBe(0);
  });
});
