import { afterEach, expect, it } from "vitest";
import { displayInviteCode } from "../../src/features/membership/inviteCode.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * A lead edits a campaign from a phone. On Zalo (no buttons: numbered answers typed) the
 * lead extends a deadline a unit reported late on, then adds a criterion, and the unit's
 * focal point, also on Zalo, hears each change. On Telegram the same steps are buttons.
 */
/** The harnesses a test started, closed after it. */
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const harness of running.splice(0)) await harness.close();
});

const LEAD = "a1b2c3d4e5f6a7b8c9d0";
const LAN = "6ede9afa66b88fe6d6a9";
const hanoi = (local: string) => new Date(`${local}+07:00`);

it("extends a deadline after a late report and adds a criterion, with numbered answers, and the unit hears both", async () => {
  const h: ZaloHarness = await startZaloBot();
  running.push(h);
  const lead = await h.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: null,
    role: "LEAD",
    issuer: "operator",
  });
  await h.say(LEAD, `/join ${displayInviteCode(lead.code)}`, 2);
  await h.say(LAN, `/join ${h.invites[3]?.code}`, 2);

  // The first deadline (9 March 17:00) has passed when Lan reports.
  h.t.clock.set(hanoi("2026-03-10T08:00:00"));
  for (const answer of ["/baocao", "3", "1", "-", "1"]) await h.say(LAN, answer);
  expect((await h.say(LAN, "1"))[0]).toContain("✅ Đã lưu báo cáo");
  const report = () => h.t.app.deps.db.report.findFirstOrThrow({ where: { unitId: 4 } });
  expect(await report()).toMatchObject({ deadlineId: 1, late: true });

  const [pick = ""] = await h.say(LEAD, "/giahan");
  expect(pick).toContain("1. 17:00 09/03/2026\n2. 17:00 08/04/2026\n3. 17:00 08/05/2026");
  expect(pick).toContain("Trả lời 1, 2 hoặc 3.");
  expect((await h.say(LEAD, "so 1"))[0]).toContain("Hạn mới là ngày nào?");
  expect((await h.say(LEAD, "hôm qua"))[0]).toContain("hôm qua");
  const [extended = ""] = await h.say(LEAD, "16/3");
  expect(extended).toContain("Đã gia hạn đợt #1: hạn 17:00 09/03/2026 dời đến 17:00 16/03/2026");
  expect(extended).toContain("1 báo cáo nộp trước hạn mới không còn bị tính trễ.");
  expect(await report()).toMatchObject({ late: false });
  const { sender } = h.t.app.startDelivery([h.adapter.transport]);
  await sender.drainOnce();
  expect(h.fake.textsTo(LAN).at(-1)).toMatch(/^📌 Gia hạn/);

  const [menu = ""] = await h.say(LEAD, "/thidua sua 1");
  expect(menu).toContain("7. Thêm tiêu chí");
  await h.say(LEAD, "7");
  expect((await h.say(LEAD, "Tiết kiệm điện"))[0]).toContain(
    "Đã thêm tiêu chí cho đợt #1: Tiết kiệm điện.",
  );
  await sender.drainOnce();
  expect(h.fake.textsTo(LAN).filter((m) => m.startsWith("📌"))).toEqual([
    "📌 Gia hạn: hạn báo cáo 17:00 09/03/2026 của đợt thi đua #1 “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn” được dời đến 17:00 16/03/2026.",
    "📌 Đợt thi đua #1 “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn” có thêm tiêu chí: Tiết kiệm điện.",
  ]);
}, 60_000);

it("extends a deadline with buttons on Telegram", async () => {
  const tg: TelegramHarness = await startTelegramBot();
  running.push(tg);
  const lead = { id: 502, first_name: "Minh" };
  const issued = await tg.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: null,
    role: "LEAD",
    issuer: "operator",
  });
  await tg.say(900, lead, `/join ${issued.code}`, 2);
  await tg.say(900, lead, "/thidua sua 1");
  const [pick = ""] = await tg.press(900, lead, "Gia hạn hoặc dời một hạn báo cáo");
  expect(pick).toContain("Gia hạn hạn báo cáo nào của đợt #1");
  expect((await tg.press(900, lead, "17:00 08/04/2026"))[0]).toContain("Hạn mới là ngày nào?");
  expect((await tg.say(900, lead, "20/4"))[0]).toContain(
    "Đã gia hạn đợt #1: hạn 17:00 08/04/2026 dời đến 17:00 20/04/2026",
  );
  const due = await tg.t.app.deps.db.deadline.findUniqueOrThrow({ where: { id: 2 } });
  expect(due.dueAt.toISOString()).toBe(hanoi("2026-04-20T17:00:00").toISOString());
}, 60_000);
