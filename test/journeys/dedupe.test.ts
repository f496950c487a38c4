import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InboundEvent } from "../../src/core/inbound.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe("a platform update delivered twice", () => {
  it("is handled once", async () => {
    const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    const event: InboundEvent = {
      updateId: "tg-1001",
      chat: { platform: "telegram", platformChatId: "501", kind: "PRIVATE" },
      from: { platformUserId: "501", displayName: "Lan" },
      receivedAt: new Date(),
      payload: { type: "command", command: "join", args: invites[1]?.code ?? "" },
    };
    const first = await t.app.pipeline.handleDirect(event, t.chat.capabilities);
    const second = await t.app.pipeline.handleDirect(event, t.chat.capabilities);
    expect(texts(first)).toContain("Chào mừng");
    expect(second).toEqual([]);
    const invite = await t.app.deps.db.inviteCode.findFirst({
      where: { unitId: 2, role: "FOCAL" },
    });
    expect(invite?.uses).toBe(1);
  });

  it("keeps the same update id apart on different platforms", async () => {
    const base = {
      updateId: "7",
      from: { platformUserId: "u", displayName: "U" },
      receivedAt: new Date(),
      payload: { type: "command", command: "help", args: "" },
    } as const;
    const onTelegram = await t.app.pipeline.handleDirect(
      { ...base, chat: { platform: "telegram", platformChatId: "u", kind: "PRIVATE" } },
      t.chat.capabilities,
    );
    const onZalo = await t.app.pipeline.handleDirect(
      { ...base, chat: { platform: "zalo", platformChatId: "u", kind: "PRIVATE" } },
      t.chat.capabilities,
    );
    expect(onTelegram).toHaveLength(1);
    expect(onZalo).toHaveLength(1);
  });
});
