import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { DEMO_LEAD, type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

/*
 * A lead edits a running campaign from chat (numbered answers, as on Zalo): extends a
 * deadline a unit already reported late on, adds a criterion, changes a scale after
 * scores were given. The units hear what changed in their own language; wrong answers
 * are refused with a clear message and change nothing.
 *
 * The demo campaign's deadlines are 17:00 on 9 March, 8 April and 8 May 2026 (Hanoi);
 * the clock starts Monday 2 March 09:00. vp reports for unit 1 (Vietnamese), tc for
 * unit 2 (English).
 */
const hanoi = (local: string) => new Date(`${local}+07:00`);

let t: TestApp;
let invites: DemoInvite[];
beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  await t.chat.as("vp").send(`/join ${invites[0]?.code}`);
  await t.chat.as("tc").send(`/join ${invites[1]?.code}`);
  await t.chat.as("tc").send("/lang en");
});
afterEach(() => t.close());

const say = async (...lines: string[]) => {
  let last = "";
  for (const line of lines) last = texts(await t.chat.as(DEMO_LEAD).send(line));
  return last;
};
const db = () => t.app.deps.db;
const tickAt = async (local: string) => {
  t.clock.set(hanoi(local));
  await t.app.services.reminders.tick();
  await t.deliver();
};
const received = (chat: string, mark: string) =>
  t.transport.receivedBy(chat).filter((m) => m.startsWith(mark));
const dueTimes = async (campaignId = 1) =>
  (await db().deadline.findMany({ where: { campaignId }, orderBy: { dueAt: "asc" } })).map((d) =>
    d.dueAt.toISOString(),
  );

describe("extending a deadline (gia hạn)", () => {
  it("clears a report counted late under the old deadline, tells each unit in its language and moves the reminders", async () => {
    // The first deadline passes: unit 2 is told it is overdue, the lead gets the summary.
    await tickAt("2026-03-09T17:00:00");
    expect(received("tc", "⚠️")).toHaveLength(1);
    // Văn phòng reports the next morning, late.
    t.clock.set(hanoi("2026-03-10T09:00:00"));
    for (const line of ["/report", "3", "1", "-", "Không có ảnh", "Gửi báo cáo"])
      await t.chat.as("vp").send(line);
    const report = () => db().report.findFirstOrThrow({ where: { unitId: 1 } });
    expect(await report()).toMatchObject({ deadlineId: 1, late: true });
    const submitted = (await report()).updatedAt;

    const pick = await say("/giahan");
    expect(pick).toContain("Gia hạn hạn báo cáo nào của đợt #1");
    expect(pick).toContain("1. 17:00 09/03/2026\n2. 17:00 08/04/2026\n3. 17:00 08/05/2026");
    expect(await say("1")).toContain("Hạn hiện tại của đợt #1");
    const done = await say("20/3");
    expect(done).toContain(
      "Đã gia hạn đợt #1: hạn 17:00 09/03/2026 dời đến 17:00 20/03/2026; lịch nhắc tính lại theo hạn mới. Các đơn vị đã được thông báo.",
    );
    expect(done).toContain("1 báo cáo nộp trước hạn mới không còn bị tính trễ.");
    // No longer late; its submission time is the unit's, untouched.
    expect(await report()).toMatchObject({ late: false, updatedAt: submitted });

    await t.deliver();
    expect(received("vp", "📌")).toEqual([
      "📌 Gia hạn: hạn báo cáo 17:00 09/03/2026 của đợt thi đua #1 “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn” được dời đến 17:00 20/03/2026.",
    ]);
    expect(received("tc", "📌")).toEqual([
      "📌 Extension: campaign #1 “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn”'s deadline 17:00 09/03/2026 moved to 17:00 20/03/2026.",
    ]);

    // The reminders follow the new time: three days before it, unit 2 (not reported) is
    // reminded again, unit 1 is not; at the new time the overdue notice and summary again.
    await tickAt("2026-03-17T17:00:00");
    const reminders = received("tc", "⏰");
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toContain("17:00 20/03/2026");
    expect(received("vp", "⏰")).toHaveLength(0);
    await tickAt("2026-03-20T17:00:00");
    expect(received("tc", "⚠️")).toHaveLength(2);
    expect(received("tc", "⚠️")[1]).toContain("20/03/2026");
    const summaries = received(DEMO_LEAD, "📊");
    expect(summaries).toHaveLength(2);
    expect(summaries[1]).toContain("1/7 đơn vị đã báo cáo (1 đúng hạn, 0 trễ)");

    const audit = await db().auditEvent.findMany({
      where: { action: "campaign.edit.deadline_move" },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toMatch(/^member:\d+$/);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({
      campaignId: 1,
      deadlineId: 1,
      before: hanoi("2026-03-09T17:00:00").toISOString(),
      after: hanoi("2026-03-20T17:00:00").toISOString(),
      lateCleared: 1,
    });
  });

  it("refuses a date in the past, and a deadline another one already has, changing nothing", async () => {
    t.clock.set(hanoi("2026-03-10T09:00:00"));
    const before = await dueTimes();
    await say("/thidua sua 1", "4", "2");
    expect(await say("5/3/2026")).toContain("17:00 05/03/2026 đã qua: hạn mới phải ở sau lúc này.");
    expect(await say("8/5/2026")).toContain("Đợt này đã có hạn báo cáo 17:00 08/05/2026.");
    expect(await say("ngày mai")).toContain("ngày mai");
    expect(await dueTimes()).toEqual(before);
    await t.deliver();
    expect(received("vp", "📌")).toEqual([]);
    expect(
      await db().auditEvent.count({ where: { action: { startsWith: "campaign.edit" } } }),
    ).toBe(0);
    // The same step then takes a good date.
    expect(await say("30/4")).toContain("dời đến 17:00 30/04/2026");
  });

  it("carries the campaign's end with a deadline moved past it", async () => {
    await say("/thidua sua 1", "4", "3");
    await say("20/12/2026");
    const campaign = await t.app.services.campaigns.get(1, 1);
    expect(campaign.endsAt.toISOString()).toBe(hanoi("2026-12-20T17:00:00").toISOString());
  });
});

describe("deadlines added and removed", () => {
  it("adds a deadline, removes one nobody reported on, and refuses one with reports or the last", async () => {
    expect(await say("/thidua sua 1", "5")).toContain("Hạn báo cáo mới?");
    expect(await say("20/3")).toContain("Đã thêm hạn báo cáo 17:00 20/03/2026 cho đợt #1.");
    expect(await dueTimes()).toHaveLength(4);

    for (const line of ["/report", "1", "1", "-", "Không có ảnh", "Gửi báo cáo"])
      await t.chat.as("vp").send(line);
    const withReport = await say("/thidua sua 1", "6", "1");
    expect(withReport).toContain(
      "Hạn 17:00 09/03/2026 đã có 1 báo cáo nên không bỏ được; có thể gia hạn hoặc dời hạn này.",
    );
    expect(await dueTimes()).toHaveLength(4);

    expect(await say("/thidua sua 1", "6", "2")).toContain(
      "Đã bỏ hạn báo cáo 17:00 20/03/2026 của đợt #1.",
    );
    await say("/thidua sua 1", "6", "2");
    await say("/thidua sua 1", "6", "2");
    expect(await dueTimes()).toEqual([hanoi("2026-03-09T17:00:00").toISOString()]);

    await t.deliver();
    // Decided at one clock instant, sent in no particular order.
    expect(received("tc", "📌").sort()).toEqual(
      [
        "📌 Campaign #1 “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn” has a new deadline: 17:00 20/03/2026.",
        "📌 Campaign #1 “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn” dropped the deadline 17:00 20/03/2026: nothing to report for it.",
        "📌 Campaign #1 “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn” dropped the deadline 17:00 08/04/2026: nothing to report for it.",
        "📌 Campaign #1 “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn” dropped the deadline 17:00 08/05/2026: nothing to report for it.",
      ].sort(),
    );
  });

  it("refuses to remove the campaign's last deadline", async () => {
    await say("/thidua sua 1", "6", "3");
    await say("/thidua sua 1", "6", "2");
    expect(await say("/thidua sua 1", "6", "1")).toContain(
      "17:00 09/03/2026 là hạn báo cáo duy nhất của đợt nên không bỏ được",
    );
    expect(await dueTimes()).toHaveLength(1);
  });
});

describe("a half-made change whose saved state was altered", () => {
  it("ends the form with a clear message and changes nothing", async () => {
    const before = await db().campaign.findUniqueOrThrow({ where: { id: 1 } });
    await say("/thidua sua 1", "1");
    const row = await db().conversationState.findFirstOrThrow({ where: { flow: "campaign_edit" } });
    const stored = JSON.parse(row.data);
    await db().conversationState.update({
      where: { key: row.key },
      data: { data: JSON.stringify({ ...stored, data: { campaignId: "all" } }) },
    });
    expect(await say("Tên mới của đợt")).toContain("không còn đọc được; không có gì được lưu");
    expect((await db().campaign.findUniqueOrThrow({ where: { id: 1 } })).title).toBe(before.title);
  });
});

describe("words and hashtag", () => {
  it("renames, describes and re-tags, refusing a hashtag another open campaign uses", async () => {
    await t.app.services.campaigns.create(
      1,
      {
        title: "Tuổi trẻ sáng tạo",
        startsAt: t.clock.now(),
        endsAt: new Date(t.clock.now().getTime() + 30 * DAY),
        deadlines: [new Date(t.clock.now().getTime() + 20 * DAY)],
        hashtag: "#tuoitre",
      },
      "operator",
    );
    expect(await say("/thidua sua 1", "1")).toContain("Hiện tại: Xây dựng cơ quan");
    expect(await say("Văn minh công sở 2026")).toContain(
      "Đã đổi tên đợt #1: Văn minh công sở 2026.",
    );
    await say("/thidua sua 1", "2");
    expect(await say("Ảnh trước và sau khi dọn.")).toContain("Đã cập nhật mô tả đợt #1.");
    await say("/thidua sua 1", "3");
    expect(await say("#TuoiTre")).toContain(
      "Hashtag #tuoitre đang dùng cho đợt #2 (Tuổi trẻ sáng tạo)",
    );
    expect(await say("#congso")).toContain(
      "Đợt #1 giờ dùng hashtag #congso. Các đơn vị đã được thông báo.",
    );
    const campaign = await t.app.services.campaigns.get(1, 1);
    expect(campaign).toMatchObject({
      title: "Văn minh công sở 2026",
      description: "Ảnh trước và sau khi dọn.",
      hashtag: "#congso",
    });
    // A photo captioned with the new tag now finds the campaign (the cached copy moved on).
    expect((await t.app.services.campaigns.findByHashtag(1, "ảnh #congso"))?.id).toBe(1);
    await t.deliver();
    expect(received("tc", "📌")).toEqual([
      "📌 Campaign #1 “Văn minh công sở 2026” has a new hashtag: send photos with #congso.",
    ]);
    const actions = (await db().auditEvent.findMany({ orderBy: { id: "asc" } }))
      .map((a) => a.action)
      .filter((a) => a.startsWith("campaign.edit"));
    expect(actions).toEqual([
      "campaign.edit.title",
      "campaign.edit.description",
      "campaign.edit.hashtag",
    ]);
  });

  it("checks the hashtag at its step of the new-campaign form", async () => {
    await say("/newcampaign", "Hội thi Văn Thể Mỹ", "-", "1/4/2026", "30/4/2026", "-", "20/4");
    expect(await say("#XanhSachDep")).toContain(
      "Hashtag #xanhsachdep đang dùng cho đợt #1 (Xây dựng cơ quan",
    );
    expect(await say("#vanthemy")).toContain("Lưu nháp");
  });
});

describe("criteria", () => {
  it("adds a criterion mid-campaign, and the units hear it", async () => {
    await say("/thidua sua 1", "7");
    expect(await say("Tiết kiệm điện | 10 | 2")).toContain(
      "Đã thêm tiêu chí cho đợt #1: Tiết kiệm điện (10 điểm, hệ số 2). Các đơn vị đã được thông báo.",
    );
    const campaign = await t.app.services.campaigns.get(1, 1);
    expect(campaign.criteriaScale.at(-1)).toMatchObject({
      title: "Tiết kiệm điện",
      maxScore: 10,
      weight: 2,
    });
    expect(campaign.criteria).toHaveLength(4);
    await t.deliver();
    expect(received("vp", "📌")[0]).toContain(
      "có thêm tiêu chí: Tiết kiệm điện (10 điểm, hệ số 2)",
    );
    expect(received("tc", "📌")[0]).toContain(
      "has a new criterion: Tiết kiệm điện (10 points, weight 2)",
    );
    // The next report asks for the new criterion's score.
    const asked: string[] = [];
    for (const line of ["/report", "1", "1", "-"])
      asked.push(texts(await t.chat.as("vp").send(line)));
    expect(asked.join("\n")).toContain("Tiết kiệm điện");
  });

  it("changes a scale freely before any score, and after scores only once the lead confirms how many", async () => {
    const id = await openScoredCampaign(t.app, t.clock.now());
    await say(`/thidua sua ${id}`, "8");
    expect(await say("1")).toContain("Tiêu chí: Trụ sở sạch đẹp (10 điểm)");
    expect(await say("10 | 2")).toContain(
      "Đã đổi thang điểm của đợt #2: Trụ sở sạch đẹp (10 điểm, hệ số 2).",
    );

    for (const [name, i, points] of [
      ["vp", 0, "8"],
      ["tc", 1, "6"],
    ] as const) {
      await t.chat.as(name).send(`/join ${invites[i]?.code}`);
      for (const line of ["/baocao", "1", "-", points, "5", "xong", "1"])
        await t.chat.as(name).send(line);
    }
    await say(`/thidua sua ${id}`, "8", "1");
    const confirm = await say("20 | 2");
    expect(confirm).toContain("Tiêu chí này đã có 2 điểm được chấm.");
    expect(confirm).toContain("1. Đồng ý, quy đổi\n2. Giữ nguyên");
    expect(await say("2")).toContain("Đã giữ nguyên thang điểm.");
    const selfScores = async () =>
      (await db().reportScore.findMany({ where: { criterionId: 4 }, orderBy: { id: "asc" } })).map(
        (s) => s.self,
      );
    expect(await selfScores()).toEqual([8, 6]);
    expect(await say(`/thidua sua ${id}`, "8", "1", "abc")).toContain("Thang điểm là điểm tối đa");

    await say(`/thidua sua ${id}`, "8", "1", "20 | 2");
    const saved = await say("1");
    expect(saved).toContain("Trụ sở sạch đẹp (20 điểm, hệ số 2)");
    expect(saved).toContain("Đã quy đổi 2 điểm đã chấm sang thang mới");
    expect(await selfScores()).toEqual([16, 12]);
    const audit = await db().auditEvent.findMany({
      where: { action: "campaign.edit.criterion_scale" },
    });
    expect(audit.map((a) => JSON.parse(a.details))).toMatchObject([
      { before: { maxScore: 10, weight: 1 }, after: { maxScore: 10, weight: 2 }, scores: 0 },
      { before: { maxScore: 10, weight: 2 }, after: { maxScore: 20, weight: 2 }, scores: 2 },
    ]);
  });

  it("holds deadlines and scales once the results are published", async () => {
    const id = await openScoredCampaign(t.app, t.clock.now());
    await db().campaign.update({ where: { id }, data: { publishedAt: t.clock.now() } });
    const refused = await say(`/thidua sua ${id}`, "4");
    expect(refused).toContain("Kết quả đợt thi đua này đã được công bố");
    await say(`/thidua sua ${id}`, "1");
    expect(await say("Công sở văn minh 2026 (đã công bố)")).toContain("Đã đổi tên đợt #2");
  });
});

describe("what the lead cannot edit", () => {
  it("answers another bloc's campaign as not found, through chat and the service, changing nothing", async () => {
    const other = await t.app.services.blocs.createBloc(
      "Khối khác",
      "Asia/Ho_Chi_Minh",
      "operator",
    );
    const foreign = await t.app.services.campaigns.create(
      other.id,
      {
        title: "Đợt của khối khác",
        startsAt: t.clock.now(),
        endsAt: new Date(t.clock.now().getTime() + 30 * DAY),
        deadlines: [new Date(t.clock.now().getTime() + 20 * DAY)],
      },
      "operator",
    );
    const notFound = await say(`/thidua sua ${foreign.id}`);
    expect(notFound).toContain("Không tìm thấy");
    expect(await say(`/giahan ${foreign.id}`)).toContain("Không tìm thấy");
    const deadlineId = foreign.deadlines[0]?.id ?? 0;
    await expect(
      t.app.services.campaignEdits.moveDeadline(
        1,
        foreign.id,
        deadlineId,
        new Date(t.clock.now().getTime() + 25 * DAY),
        "member:1",
      ),
    ).rejects.toMatchObject({ code: "not_found" });
    // A deadline of another campaign named under one's own campaign is not found either.
    await expect(
      t.app.services.campaignEdits.removeDeadline(1, 1, deadlineId, "member:1"),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(await dueTimes(foreign.id)).toEqual(foreign.deadlines.map((d) => d.dueAt.toISOString()));
  });

  it("tells the units when a campaign is closed and reopened", async () => {
    await say("/thidua dong 1", "1");
    await say("/thidua molai 1");
    await t.deliver();
    expect(received("vp", "📌")).toEqual([
      "📌 Đợt thi đua #1 “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn” đã đóng: không nhận báo cáo mới nữa.",
      "📌 Đợt thi đua #1 “Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn” đã mở lại: các đơn vị tiếp tục báo cáo bằng /baocao.",
    ]);
    expect(received("tc", "📌")[0]).toContain("is closed: no new reports are taken.");
    expect(await say("/thidua sua 1", "1")).toContain("Tên mới");
  });
});
