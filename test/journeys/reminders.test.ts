import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../src/admin/adminCommands.ts";
import { DAY, HOUR, MINUTE } from "../../src/core/clock.ts";
import { type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { tickInAnotherProcess } from "../helpers/botProcess.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

/*
 * The demo campaign's first deadline is Monday 9 March 2026, 17:00 in Hanoi; the
 * clock starts Monday 2 March 09:00. Offsets 3d, 1d, 2h plan reminders for Friday
 * 17:00, Sunday 17:00 (a weekend: moved to Monday 07:00) and Monday 15:00.
 */
const hanoi = (local: string) => new Date(`${local}+07:00`);

for (const serverTz of ["UTC", "America/Los_Angeles"]) {
  describe(`deadline reminders (server TZ=${serverTz})`, () => {
    const previousTz = process.env.TZ;
    let t: TestApp;
    let invites: DemoInvite[];

    beforeAll(() => {
      process.env.TZ = serverTz;
    });
    afterAll(() => {
      process.env.TZ = previousTz;
    });
    beforeEach(async () => {
      t = await createTestApp();
      invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
      // vp and tc are focal points of units 1 and 2; unit 1 also has a group chat.
      await t.chat.as("vp").send(`/join ${invites[0]?.code}`);
      await t.chat.as("tc").send(`/join ${invites[1]?.code}`);
      await t.chat.as("vp", "van-phong").send(`/join ${invites[0]?.code}`);
    });
    afterEach(() => t.close());

    const tickAt = async (local: string) => {
      t.clock.set(hanoi(local));
      const result = await t.app.services.reminders.tick();
      await t.deliver();
      return result;
    };
    const reminders = (chat: string) =>
      t.transport.receivedBy(chat).filter((m) => m.startsWith("⏰"));

    it("reminds only units without a report, at each offset, once", async () => {
      await tickAt("2026-03-02T09:00:00");
      expect(t.transport.delivered).toHaveLength(0);
      // tc reports; vp does not.
      for (const line of ["/report", "1", "1", "-", "Không có ảnh", "Gửi báo cáo"])
        await t.chat.as("tc").send(line);

      const friday = await tickAt("2026-03-06T17:00:00");
      // Six units have not reported; only vp's can be reached (nobody else has joined).
      expect(friday.remindedUnits).toBe(1);
      expect(reminders("vp")).toHaveLength(1);
      expect(reminders("vp")[0]).toContain("Hạn 17:00 09/03/2026 (còn 3 ngày)");
      expect(reminders("vp")[0]).toContain("Văn phòng Tỉnh ủy chưa báo cáo");
      expect(reminders("vp")[0]).toContain("#xanhsachdep");
      expect(reminders("group:van-phong")).toHaveLength(1);
      expect(reminders("tc")).toHaveLength(0);

      await tickAt("2026-03-06T17:01:00");
      await tickAt("2026-03-08T17:00:00");
      expect(reminders("vp")).toHaveLength(1);

      await tickAt("2026-03-09T07:00:00");
      expect(reminders("vp")).toHaveLength(2);
      await tickAt("2026-03-09T15:00:00");
      expect(reminders("vp")).toHaveLength(3);
      expect(reminders("vp")[2]).toContain("còn 2 giờ");
      expect(reminders("tc")).toHaveLength(0);
    });

    it("keeps its plan when the clock is stepped back 2 h and forward 3 h", async () => {
      await tickAt("2026-03-06T17:00:00");
      expect(reminders("vp")).toHaveLength(1);
      // Back 2 h: Friday's reminder is not sent again, nothing else comes early.
      for (const minute of ["15:00", "15:30", "16:59", "17:00", "17:05"]) {
        await tickAt(`2026-03-06T${minute}:00`);
      }
      expect(reminders("vp")).toHaveLength(1);
      // Forward past Monday 07:00: the next reminder once, then the 2 h one at its time.
      await tickAt("2026-03-09T10:00:00");
      await tickAt("2026-03-09T10:01:00");
      expect(reminders("vp")).toHaveLength(2);
      await tickAt("2026-03-09T13:00:00");
      expect(reminders("vp")).toHaveLength(2);
      await tickAt("2026-03-09T15:00:00");
      expect(reminders("vp")).toHaveLength(3);
    });

    it("stops reminding a unit once it has reported", async () => {
      await tickAt("2026-03-06T17:00:00");
      await t.chat.as("vp").sendFiles([], "");
      for (const line of ["/report", "1", "2", "-", "Không có ảnh", "Gửi báo cáo"])
        await t.chat.as("vp").send(line);
      await tickAt("2026-03-09T07:00:00");
      expect(reminders("vp")).toHaveLength(1);
      expect(reminders("tc")).toHaveLength(2);
    });

    it("after two days of downtime sends only the latest due reminder", async () => {
      await tickAt("2026-03-05T09:00:00");
      expect(reminders("vp")).toHaveLength(0);
      // Down from Thursday to Monday 08:00: the Friday and Monday 07:00 slots were both missed.
      await tickAt("2026-03-09T08:00:00");
      expect(reminders("vp")).toHaveLength(1);
      expect(reminders("vp")[0]).toContain("còn 9 giờ");
    });

    it("says once when the deadline passed, and sends the lead one summary", async () => {
      for (const line of ["/report", "1", "1", "-", "Không có ảnh", "Gửi báo cáo"])
        await t.chat.as("tc").send(line);
      await tickAt("2026-03-09T17:00:00");
      await tickAt("2026-03-09T17:05:00");
      await tickAt("2026-03-10T09:00:00");
      const overdue = t.transport.receivedBy("vp").filter((m) => m.startsWith("⚠️"));
      expect(overdue).toEqual([
        "⚠️ Đã quá hạn 17:00 09/03/2026: Văn phòng Tỉnh ủy chưa báo cáo cho Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn. Báo cáo muộn vẫn được nhận: /baocao",
      ]);
      expect(t.transport.receivedBy("tc").filter((m) => m.startsWith("⚠️"))).toEqual([]);
      const summaries = t.transport.receivedBy("lead").filter((m) => m.startsWith("📊"));
      expect(summaries).toHaveLength(1);
      expect(summaries[0]).toContain("1/7 đơn vị đã báo cáo (1 đúng hạn, 0 trễ)");
      expect(summaries[0]).toContain("Chưa báo cáo: Văn phòng Tỉnh ủy, Ủy ban Kiểm tra Tỉnh ủy");
    });

    it("keeps a deadline passing in quiet hours for the next working morning", async () => {
      await t.app.services.reminders.setCampaignOffsets(1, 1, [120]);
      await t.app.deps.db.deadline.update({
        where: { id: 1 },
        data: { dueAt: hanoi("2026-03-06T22:00:00") },
      });
      await tickAt("2026-03-06T22:30:00");
      expect(t.transport.receivedBy("vp").filter((m) => m.startsWith("⚠️"))).toHaveLength(0);
      await tickAt("2026-03-09T07:00:00");
      expect(t.transport.receivedBy("vp").filter((m) => m.startsWith("⚠️"))).toHaveLength(1);
    });

    it("holds the reminders of a campaign activated at 00:30 until 07:00", async () => {
      // Due Tuesday 17:00: the 3d and 1d reminders were planned before it was activated.
      const draft = await t.app.services.campaigns.create(
        1,
        {
          title: "Kiểm tra phòng cháy",
          startsAt: hanoi("2026-03-02T00:00:00"),
          endsAt: hanoi("2026-03-31T23:59:00"),
          criteria: ["Bình chữa cháy còn hạn"],
          deadlines: [hanoi("2026-03-03T17:00:00")],
        },
        "operator",
      );
      t.clock.set(hanoi("2026-03-03T00:30:00"));
      expect(texts(await t.chat.as("lead").send(`/campaign activate ${draft.id}`))).toContain(
        `#${draft.id}`,
      );
      for (const night of ["00:30", "00:31", "03:00", "06:59"]) {
        const result = await tickAt(`2026-03-03T${night}:00`);
        expect(result.remindedUnits).toBe(0);
      }
      expect(t.transport.delivered.filter((d) => d.message.text.startsWith("⏰"))).toEqual([]);

      await tickAt("2026-03-03T07:00:00");
      expect(reminders("vp")).toHaveLength(1);
      expect(reminders("vp")[0]).toContain("Kiểm tra phòng cháy");
      expect(reminders("vp")[0]).toContain("còn 10 giờ");
      expect(reminders("group:van-phong")).toHaveLength(1);
      expect(reminders("tc")).toHaveLength(1);
      await tickAt("2026-03-03T07:01:00");
      expect(reminders("vp")).toHaveLength(1);
      await tickAt("2026-03-03T15:00:00");
      expect(reminders("vp")).toHaveLength(2);
      expect(reminders("vp")[1]).toContain("còn 2 giờ");
    });

    it("after a restart at 00:31 holds the deadline's notices and the lead's summary until 07:00", async () => {
      await tickAt("2026-03-09T14:00:00");
      expect(reminders("vp")).toHaveLength(1);
      const before = t.transport.delivered.length;
      // Down from Monday 14:00 (before the 2h reminder and the deadline) to Tuesday 00:31.
      expect(await tickAt("2026-03-10T00:31:00")).toEqual({
        remindedUnits: 0,
        overdueUnits: 0,
        summaries: 0,
      });
      expect(t.transport.delivered).toHaveLength(before);
      await tickAt("2026-03-10T07:00:00");
      expect(t.transport.receivedBy("vp").filter((m) => m.startsWith("⚠️"))).toHaveLength(1);
      expect(t.transport.receivedBy("lead").filter((m) => m.startsWith("📊"))).toHaveLength(1);
      // The missed 2h reminder is not sent after its deadline.
      expect(reminders("vp")).toHaveLength(1);
    });

    it("sends the lead a closing summary after the campaign's last deadline", async () => {
      await tickAt("2026-05-08T17:00:00");
      const lead = t.transport.receivedBy("lead");
      expect(lead.filter((m) => m.startsWith("🏁"))).toEqual([
        "🏁 Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn đã qua hạn báo cáo cuối cùng. Xem tổng hợp: /tiendo 1 · xuất báo cáo: /xuat 1",
      ]);
      expect(lead.filter((m) => m.startsWith("📊"))).toHaveLength(3);
    });

    it("sends nothing twice across a restart between two ticks", async () => {
      await tickAt("2026-03-06T17:00:00");
      const clock = t.clock;
      t = await t.restart();
      t.clock.set(clock.now());
      await t.app.services.reminders.tick();
      expect(await t.app.deps.db.delivery.count({ where: { kind: "REMINDER" } })).toBe(3);
    });

    it("sends each reminder once when two schedulers (two processes) tick at the same moment", async () => {
      const at = hanoi("2026-03-06T17:00:00").toISOString();
      const results = await Promise.all([
        tickInAnotherProcess(t.dir, at),
        tickInAnotherProcess(t.dir, at),
      ]);
      expect(results.reduce((sum, r) => sum + r.remindedUnits, 0)).toBe(2);
      expect(await t.app.deps.db.delivery.count({ where: { kind: "REMINDER" } })).toBe(3);
      expect(await t.app.deps.db.reminderMark.count()).toBe(2);
    });

    it("lets a focal point mute reminders while the unit's group still gets them", async () => {
      expect(texts(await t.chat.as("vp").send("/mute"))).toContain("Đã tắt nhắc hạn");
      await tickAt("2026-03-06T17:00:00");
      expect(reminders("vp")).toHaveLength(0);
      expect(reminders("group:van-phong")).toHaveLength(1);
      await t.chat.as("vp").send("/unmute");
      await tickAt("2026-03-09T07:00:00");
      expect(reminders("vp")).toHaveLength(1);
    });

    it("lets the lead ping missing units now, at most once an hour per unit", async () => {
      t.clock.set(hanoi("2026-03-04T10:00:00"));
      const first = texts(await t.chat.as("lead").send("/remind"));
      // Seven units have not reported: vp's (private chat and group) and tc's are reached.
      expect(first).toContain("Đã gửi 3 tin nhắc tới 2 đơn vị chưa báo cáo");
      expect(first).toContain(
        "⚠️ 5 đơn vị chưa báo cáo nhưng không ai nhận được tin nhắc (chưa ai tham gia bot, hoặc đầu mối đã tắt nhắc): Ủy ban Kiểm tra Tỉnh ủy,",
      );
      await t.deliver();
      expect(t.transport.receivedBy("vp").filter((m) => m.startsWith("🔔"))).toHaveLength(1);
      expect(t.transport.delivered.filter((d) => d.message.text.startsWith("🔔"))).toHaveLength(3);
      const again = texts(await t.chat.as("lead").send("/remind"));
      expect(again).toContain("Không gửi tin nhắc nào");
      expect(again).toContain("2 đơn vị vừa được nhắc trong 1 giờ qua");
      t.clock.advance(HOUR + MINUTE);
      expect(texts(await t.chat.as("lead").send("/remind 1"))).toContain(
        "Đã gửi 3 tin nhắc tới 2 đơn vị",
      );
    });

    it("uses the bloc's default and a deadline's own schedule", async () => {
      expect(texts(await t.chat.as("lead").send("/reminders bloc 5d"))).toContain(
        "Lịch nhắc mặc định của khối: 5d",
      );
      await tickAt("2026-03-04T17:00:00");
      expect(reminders("vp")[0]).toContain("còn 5 ngày");
      await runAdminCommand(t.app, ["reminders", "set", "4h", "--deadline", "1"]);
      await tickAt("2026-03-09T13:00:00");
      expect(reminders("vp")).toHaveLength(2);
      expect(reminders("vp")[1]).toContain("còn 4 giờ");
    });

    it("lets the lead change a campaign's schedule, and refuses a bad one", async () => {
      expect(texts(await t.chat.as("lead").send("/reminders 1 5d,6h"))).toContain(
        "nhắc trước hạn: 5d,6h",
      );
      expect(texts(await t.chat.send("/reminders 1 sớm"))).toContain("/lichnhac 3 3d,1d,2h");
      expect(texts(await t.chat.send("/reminders 99 1d"))).toContain("Không tìm thấy");
      // Asked alone, the command shows the schedule as it stands and how to change it.
      const shown = texts(await t.chat.send("/reminders"));
      expect(shown).toContain("Lịch nhắc mặc định của khối: 3d,1d,2h trước mỗi hạn");
      expect(shown).toMatch(/Đợt #1 .*: 5d,6h/);
      expect(shown).toContain("Đổi lịch: /lichnhac 3 3d,1d,2h");
      await tickAt("2026-03-04T17:00:00");
      expect(reminders("vp")[0]).toContain("còn 5 ngày");
    });
  });
}

describe("a bloc of 5,000 units", () => {
  it("is reminded in one tick: every unit once, without passing the database's parameter limit", async () => {
    const t = await createTestApp();
    try {
      const db = t.app.deps.db;
      const bloc = await t.app.services.blocs.createBloc(
        "Khối lớn",
        "Asia/Ho_Chi_Minh",
        "operator",
      );
      const units = await db.unit.createManyAndReturn({
        data: Array.from({ length: 5000 }, (_, i) => ({
          blocId: bloc.id,
          name: `Đơn vị ${i + 1}`,
        })),
        select: { id: true },
      });
      const members = await db.member.createManyAndReturn({
        data: units.map((u) => ({
          blocId: bloc.id,
          unitId: u.id,
          role: "FOCAL",
          displayName: `Đầu mối ${u.id}`,
        })),
        select: { id: true, unitId: true },
      });
      await db.account.createMany({
        data: members.map((m) => ({
          memberId: m.id,
          platform: "zalo",
          platformUserId: `z${m.id}`,
        })),
      });
      await db.chat.createMany({
        data: members.map((m) => ({
          platform: "zalo",
          platformChatId: `z${m.id}`,
          kind: "PRIVATE",
          blocId: bloc.id,
          unitId: m.unitId,
        })),
      });
      const now = t.clock.now().getTime();
      await db.campaign.create({
        data: {
          blocId: bloc.id,
          title: "Tổng kết",
          startsAt: new Date(now - DAY),
          endsAt: new Date(now + 30 * DAY),
          status: "ACTIVE",
          createdBy: "operator",
          deadlines: { create: [{ dueAt: new Date(now + 2 * DAY) }] },
        },
      });
      const result = await t.app.services.reminders.tick();
      expect(result.remindedUnits).toBe(5000);
      expect(await db.delivery.count({ where: { kind: "REMINDER" } })).toBe(5000);
      expect(await db.reminderMark.count()).toBe(5000);
      await t.app.services.reminders.tick();
      expect(await db.delivery.count({ where: { kind: "REMINDER" } })).toBe(5000);
    } finally {
      await t.close();
    }
  }, 60_000);
});
