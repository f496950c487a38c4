import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { realJpeg } from "../helpers/images.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * What the bot says, read by the people it is written for: Vietnamese texts name the
 * Vietnamese commands, criteria read as points, a damaged photo is called damaged,
 * a stranger in a linked group learns how to join, an officer learns how to send
 * evidence for what runs now.
 */

let h: ZaloHarness | undefined;
let t: TestApp | undefined;
afterEach(async () => {
  await h?.close();
  await t?.close();
  h = undefined;
  t = undefined;
});

const LAN = "6ede9afa66b88fe6d6a9";
const OFFICER = "0f0f0f0f0f0f0f0f0f0f";

/** Every string of a locale's files, flattened. */
function localeStrings(language: string): [string, string][] {
  const dir = join(import.meta.dirname, "../../locales", language);
  const out: [string, string][] = [];
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === "string") out.push([prefix, value]);
    else if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) walk(`${prefix}.${k}`, v);
  };
  for (const file of readdirSync(dir))
    walk(file.replace(".json", ""), JSON.parse(readFileSync(join(dir, file), "utf8")));
  return out;
}

describe("Vietnamese texts", () => {
  it("name every command by its Vietnamese name", async () => {
    t = await createTestApp();
    const english = new Map<string, string>();
    for (const spec of t.app.router.listCommands()) {
      const [en, vi] = spec.names;
      if (en && vi) english.set(en, vi);
    }
    const wrong = localeStrings("vi").flatMap(([key, text]) =>
      [...text.matchAll(/(?<![\w:/.])\/([a-z]+)\b/g)]
        .filter(([, name]) => english.has(name ?? "") && !key.endsWith("back_home"))
        .map(([command, name]) => `${key}: ${command} → /${english.get(name ?? "")}`),
    );
    expect(wrong).toEqual([]);
  });

  it("are what a Zalo user reads: /trogiup first in the help, /huy in a hint", async () => {
    h = await startZaloBot();
    await h.say(LAN, `/thamgia ${h.invites[3]?.code}`, 2);
    const help = (await h.say(LAN, "/help")).join("\n");
    expect(help).toContain("/trogiup (/help) — danh sách lệnh");
    expect(help).toContain("/baocao (/report) — báo cáo tự đánh giá");
    expect(help).toContain("/lienket, rồi /lienket MÃ trên ứng dụng kia");
    await h.say(LAN, "/baocao");
    expect((await h.say(LAN, "9"))[0]).toContain("hoặc /huy để hủy");
  });
});

describe("criteria shown to people", () => {
  it("read as points and weight, in the lead's view and in the campaign's announcement to units", async () => {
    t = await createTestApp();
    const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    const now = t.clock.now().getTime();
    const draft = await t.app.services.campaigns.create(
      1,
      {
        title: "Công sở văn minh 2026",
        startsAt: new Date(now - DAY),
        endsAt: new Date(now + 60 * DAY),
        criteria: ["Trụ sở sạch đẹp | 10", "An toàn PCCC | 20 | 2", "Cây xanh"],
        deadlines: [new Date(now + 7 * DAY)],
      },
      "operator",
    );
    await t.chat.as("lan").send(`/thamgia ${invites[3]?.code}`);
    const view = texts(await t.chat.as("lead").send(`/thidua ${draft.id}`));
    expect(view).toContain("1. Trụ sở sạch đẹp (10 điểm)");
    expect(view).toContain("2. An toàn PCCC (20 điểm, hệ số 2)");
    expect(view).toContain("3. Cây xanh");
    expect(view).not.toContain("|");

    await t.chat.send(`/thidua mo ${draft.id}`);
    await t.chat.send("Soạn thông báo");
    await t.chat.send("1");
    await t.chat.send("Gửi");
    await t.deliver();
    const announced = t.transport.receivedBy("lan").join("\n");
    expect(announced).toContain("2. An toàn PCCC (20 điểm, hệ số 2)");
    expect(announced).not.toContain("| 20");
  });
});

describe("a damaged photo", () => {
  it("is called damaged and asked again, not refused as another format", async () => {
    h = await startZaloBot();
    await h.say(LAN, `/join ${h.invites[3]?.code}`, 2);
    const jpeg = Buffer.from(await realJpeg(200, 150, 4));
    const before = h.fake.textsTo(LAN).length;
    h.fake.image(LAN, "Lan", jpeg.subarray(0, Math.floor(jpeg.length / 2)), {
      caption: "#xanhsachdep",
    });
    await h.fake.until(() => h?.fake.textsTo(LAN).length !== before, 5000, "an answer");
    const answer = h.fake.textsTo(LAN).at(-1) ?? "";
    expect(answer).toContain("Ảnh bị hỏng hoặc chưa tải lên hết");
    expect(answer).toContain("gửi lại ảnh");
    expect(answer).not.toContain("JPEG");
    expect(await h.t.app.deps.db.evidence.count()).toBe(0);
  });
});

describe("a stranger in a linked group", () => {
  it("is told how to join, not that the group is not linked", async () => {
    t = await createTestApp();
    const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    await t.chat.as("lan").send(`/join ${invites[1]?.code}`);
    expect(
      texts(await t.chat.as("lan", "ban-to-chuc").send(`/join ${invites[1]?.code}`)),
    ).toContain("Đã liên kết nhóm này");
    const answer = texts(await t.chat.as("khách", "ban-to-chuc").send("/baocao"));
    expect(answer).toContain("Nhóm này đã gắn với khối thi đua, nhưng bạn chưa tham gia");
    expect(answer).toContain("nhắn riêng cho bot: /thamgia MÃ-MỜI");
    expect(answer).not.toContain("chưa được liên kết");
    // A group nobody linked is still not linked.
    expect(texts(await t.chat.as("khách", "nhom-khac").send("/baocao"))).toContain(
      "chưa được liên kết",
    );
  });
});

describe("an officer's first words from the bot", () => {
  it("name the running campaign, its next deadline and hashtag: in the welcome and first in /help", async () => {
    h = await startZaloBot();
    const [joined, next] = await h.say(LAN, `/thamgia ${h.invites[3]?.code}`, 2);
    expect(joined).toContain("Chào mừng");
    expect(next).toBe(
      [
        "Gửi minh chứng cho đợt thi đua đang diễn ra:",
        "📷 Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn (hạn tiếp theo 17:00 09/03/2026): chụp ảnh rồi gửi cho bot, chú thích ghi #xanhsachdep.",
        "Báo cáo đầy đủ (tình trạng, ghi chú, ảnh): /baocao",
        "Gõ /trogiup để xem bạn có thể làm gì.",
      ].join("\n"),
    );

    const invite = await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: 4,
      role: "OFFICER",
      issuer: "operator",
    });
    await h.say(OFFICER, `/thamgia ${invite.code}`, 2);
    const help = (await h.say(OFFICER, "/trogiup")).join("\n");
    expect(help.split("\n").slice(0, 3)).toEqual([
      "Gửi minh chứng cho đợt thi đua đang diễn ra:",
      "📷 Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn (hạn tiếp theo 17:00 09/03/2026): chụp ảnh rồi gửi cho bot, chú thích ghi #xanhsachdep.",
      "",
    ]);
    // An officer may not /baocao: the help does not send them there.
    expect(help).not.toContain("/baocao");
  });

  it("say only how to get help when nothing runs", async () => {
    h = await startZaloBot();
    await h.t.app.services.campaigns.close(1, 1, "operator");
    const [, next] = await h.say(LAN, `/thamgia ${h.invites[3]?.code}`, 2);
    expect(next).toBe("Gõ /trogiup để xem bạn có thể làm gì.");
    expect((await h.say(LAN, "/trogiup")).join("\n")).toMatch(/^Các lệnh dành cho bạn/);
  });
});
