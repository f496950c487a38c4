import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MINUTE } from "../../src/core/clock.ts";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { signInitData } from "../../src/features/web/telegramInitData.ts";
import { png } from "../helpers/images.ts";
import { texts } from "../helpers/testApp.ts";
import {
  startWebBot,
  TELEGRAM_TEST_TOKEN,
  type WebClient,
  type WebHarness,
} from "../helpers/webBot.ts";

let h: WebHarness;
beforeEach(async () => {
  h = await startWebBot();
});
afterEach(() => h.close());

const signedIn = async (speaker: string): Promise<WebClient> => {
  const browser = h.browser();
  const opened = await browser.open(await h.linkFor(speaker));
  expect(opened.status).toBe(303);
  return browser;
};

/** lan: focal point of unit 4 (Ban Tuyên giáo) with one photo report; hoa: officer there. */
async function withUnitMembers() {
  await h.t.chat.as("lan").send(`/join ${h.invites[3]?.code}`);
  await h.t.chat
    .as("lan")
    .sendFiles([{ bytes: png(40, 30, 1), fileName: "a.png" }], "#xanhsachdep");
  await h.t.chat.as("vp").send(`/join ${h.invites[0]?.code}`);
  await h.t.chat.as("vp").sendFiles([{ bytes: png(40, 30, 2), fileName: "b.png" }], "#xanhsachdep");
  const officer = await h.t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: 4,
    role: "OFFICER",
    issuer: "operator",
  });
  await h.t.chat.as("hoa").send(`/join ${officer.code}`);
  const sha = async (unitId: number) =>
    (await h.t.app.deps.db.evidence.findFirstOrThrow({ where: { unitId } })).sha256;
  return { shaOfUnit4: await sha(4), shaOfUnit1: await sha(1) };
}

describe("signing in from the chat", () => {
  it("opens a session from a one-time link, with a cookie the page's scripts cannot read", async () => {
    const browser = h.browser();
    const opened = await browser.open(await h.linkFor(DEMO_LEAD));
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe("/web");
    const cookie = opened.headers.get("set-cookie") ?? "";
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
    const page = await browser.get("/web");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Tổng quan khối");
    // Only the hash of the link is kept.
    const stored = await h.t.app.deps.db.webLoginToken.findFirstOrThrow();
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a link used once already (a second tab), and one past its ten minutes", async () => {
    const link = await h.linkFor(DEMO_LEAD);
    expect((await h.browser().open(link)).status).toBe(303);
    const again = await h.browser().open(link);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain("Gửi /trangweb cho bot");
    const late = await h.linkFor(DEMO_LEAD);
    h.t.clock.advance(11 * MINUTE);
    expect((await h.browser().open(late)).status).toBe(410);
  });

  it("lets a preview robot GET and HEAD the link without using it; the person then signs in with the button", async () => {
    const link = await h.linkFor(DEMO_LEAD);
    const robot = await fetch(link, { headers: { "user-agent": "TelegramBot (like TwitterBot)" } });
    expect(robot.status).toBe(200);
    const page = await robot.text();
    expect(page).toContain("Đăng nhập bảng điều khiển");
    expect(page).toMatch(/<button type="submit" class="primary">\s*Đăng nhập\s*<\/button>/);
    expect(robot.headers.get("set-cookie") ?? "").not.toContain("thidua_session");
    expect(robot.headers.get("cache-control")).toBe("private, no-store");
    const head = await fetch(link, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await h.t.app.deps.db.webSession.count()).toBe(0);
    expect((await h.t.app.deps.db.webLoginToken.findFirstOrThrow()).usedAt).toBeNull();

    const person = h.browser();
    expect((await person.open(link)).status).toBe(303);
    expect((await person.get("/web")).status).toBe(200);
    // Used now: a robot coming back finds nothing to press.
    expect((await fetch(link)).status).toBe(410);
  });

  it("signs in only from the button of our own page in the same browser", async () => {
    const link = await h.linkFor(DEMO_LEAD);
    const page = await fetch(link);
    const button = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(page.headers.get("set-cookie")).toContain("SameSite=Strict");
    const csrf = h.browser().csrf(await page.text());
    const press = (cookie: string, token: string, origin = new URL(link).origin) =>
      fetch(link, {
        method: "POST",
        headers: { cookie, origin, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: token }).toString(),
        redirect: "manual",
      });
    // Another site's form, another browser (no cookie), a forged token: refused, link kept.
    const refused = await press(button, csrf, "https://evil.example");
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Mở lại liên kết trong tin nhắn của bot");
    expect((await press("", csrf)).status).toBe(403);
    expect((await press(button, "x".repeat(43))).status).toBe(403);
    expect(await h.t.app.deps.db.webSession.count()).toBe(0);
    expect((await h.t.app.deps.db.webLoginToken.findFirstOrThrow()).usedAt).toBeNull();
    const pressed = await press(button, csrf);
    expect(pressed.status).toBe(303);
    expect(pressed.headers.get("location")).toBe("/web");
    expect(await h.t.app.deps.db.webSession.count()).toBe(1);
  });

  it("ends the session at logout, after 8 idle hours, and when the member is removed", async () => {
    const browser = await signedIn(DEMO_LEAD);
    const csrf = browser.csrf(await (await browser.get("/web")).text());
    expect((await browser.post("/web/logout", { _csrf: csrf })).status).toBe(200);
    expect((await browser.get("/web")).status).toBe(401);

    const idle = await signedIn(DEMO_LEAD);
    h.t.clock.advance(8 * 60 * MINUTE + MINUTE);
    expect((await idle.get("/web")).status).toBe(401);

    await h.t.chat.as("lan").send(`/join ${h.invites[3]?.code}`);
    const lan = await signedIn("lan");
    expect((await lan.get("/web/units/4")).status).toBe(200);
    const lanId = (await h.t.app.deps.db.member.findFirstOrThrow({ where: { displayName: "lan" } }))
      .id;
    await h.t.app.services.roster.remove(1, lanId, "operator");
    const after = await lan.get("/web/units/4");
    expect(after.status).toBe(401);
  });

  it("gives at most five links in ten minutes, and says so in the member's language", async () => {
    for (let i = 0; i < 5; i++) await h.linkFor(DEMO_LEAD);
    expect(texts(await h.t.chat.as(DEMO_LEAD).send("/web"))).toContain(
      "Bạn vừa lấy nhiều liên kết",
    );
    expect(await h.t.app.deps.db.auditEvent.count({ where: { action: "web.link" } })).toBe(5);
  });

  it("answers a stranger's page request with how to sign in, in both languages", async () => {
    const page = await h.browser().get("/web/campaigns/1");
    expect(page.status).toBe(401);
    const text = await page.text();
    expect(text).toContain("Cần đăng nhập");
    expect(text).toContain("Please sign in");
  });
});

describe("the lead's pages", () => {
  it("show the bloc, a campaign's heatmap, a unit, the gallery and a photo", async () => {
    const { shaOfUnit4 } = await withUnitMembers();
    const lead = await signedIn(DEMO_LEAD);
    const overview = await (await lead.get("/web")).text();
    expect(overview).toContain("2/7 đơn vị đã báo cáo");
    expect(overview).toContain("5 đơn vị chưa báo cáo");

    const campaign = await lead.get("/web/campaigns/1");
    expect(campaign.headers.get("cache-control")).toBe("private, no-store");
    const csp = campaign.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    const html = await campaign.text();
    expect(html.match(/data-state="IN_PROGRESS"/g)).toHaveLength(2);
    expect(html.match(/data-state="MISSING"/g)).toHaveLength(7 * 3 - 2);
    expect(html).toContain("Đang làm · 1 ảnh");
    expect(html).toContain("2/7 đã báo cáo · 0 trễ · 2 ảnh");
    expect(html).toContain("5 đơn vị chưa báo cáo cho hạn");
    expect(html).toContain("<svg");

    const unit = await (await lead.get("/web/units/4")).text();
    expect(unit).toContain("Ban Tuyên giáo Tỉnh ủy");
    expect(unit).toContain("lan · Đang thực hiện");
    expect(unit).toContain(`/web/photos/${shaOfUnit4}/thumb`);

    const gallery = await (await lead.get("/web/gallery?campaign=1")).text();
    expect(gallery).toContain("2 ảnh");
    const filtered = await (await lead.get("/web/gallery?unit=4")).text();
    expect(filtered).toContain("1 ảnh");

    const thumb = await lead.get(`/web/photos/${shaOfUnit4}/thumb`);
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    expect((await thumb.arrayBuffer()).byteLength).toBeGreaterThan(20);
    const full = await lead.get(`/web/photos/${shaOfUnit4}/full`);
    expect(full.headers.get("content-type")).toBe("image/png");
    expect((await lead.get(`/web/photos/${shaOfUnit4}`)).status).toBe(200);
  });

  it("reminds the missing units now, and the counts are the messages queued", async () => {
    await withUnitMembers();
    const lead = await signedIn(DEMO_LEAD);
    const csrf = lead.csrf(await (await lead.get("/web/campaigns/1")).text());
    const before = await h.t.app.deps.db.delivery.count();
    const page = await (await lead.post("/web/campaigns/1/remind", { _csrf: csrf })).text();
    expect(page).toContain("Đã gửi 0 tin nhắc tới 0 đơn vị");
    expect(page).toContain("5 đơn vị chưa báo cáo nhưng không ai nhận được tin nhắc");
    expect(await h.t.app.deps.db.delivery.count()).toBe(before);
  });

  it("issues an invite code with its QR code and deep link, and revokes one", async () => {
    const lead = await signedIn(DEMO_LEAD);
    const csrf = lead.csrf(await (await lead.get("/web/members")).text());
    const page = await (
      await lead.post("/web/invites", { _csrf: csrf, unit: "2", role: "OFFICER" })
    ).text();
    const code = /data-code="([A-Z0-9-]+)"/.exec(page)?.[1] ?? "";
    expect(code).toMatch(/^[A-Z0-9-]{8,9}$/);
    expect(page).toContain(`https://t.me/thidua_test_bot?start=${code.replace("-", "")}`);
    expect(page).toContain("<svg");
    expect(texts(await h.t.chat.as("minh").send(`/join ${code}`))).toContain("Ban Tổ chức");

    const invite = await h.t.app.deps.db.inviteCode.findFirstOrThrow({ where: { unitId: 5 } });
    const revoked = await lead.post(`/web/invites/${invite.id}/revoke`, { _csrf: csrf });
    expect(revoked.status).toBe(303);
    expect(
      (await h.t.app.deps.db.inviteCode.findUniqueOrThrow({ where: { id: invite.id } })).revokedAt,
    ).not.toBeNull();
  });

  it("shows each chat of an announcement and sends the failed ones again", async () => {
    await withUnitMembers();
    for (const line of ["/announce Họp giao ban", "Không có ảnh", "1", "Gửi"]) {
      await h.t.chat.as(DEMO_LEAD).send(line);
    }
    await h.t.app.deps.db.delivery.updateMany({
      where: { platformChatId: "vp" },
      data: { status: "FAILED", lastError: "403 Forbidden: bot was blocked" },
    });
    const lead = await signedIn(DEMO_LEAD);
    const page = await (await lead.get("/web/announcements/1")).text();
    expect(page).toContain("Lỗi — 403 Forbidden: bot was blocked");
    const csrf = lead.csrf(page);
    const retried = await (await lead.post("/web/announcements/1/retry", { _csrf: csrf })).text();
    expect(retried).toContain("Đang gửi lại 1");
    expect(
      await h.t.app.deps.db.delivery.count({ where: { status: "PENDING", platformChatId: "vp" } }),
    ).toBe(1);
  });
});

describe("what each person may open (URL guessing)", () => {
  it("keeps an officer of unit 4 to their unit: other units, campaigns, other photos refused", async () => {
    const { shaOfUnit1, shaOfUnit4 } = await withUnitMembers();
    const officer = await signedIn("hoa");
    const home = await officer.get("/web");
    expect(home.status).toBe(303);
    expect(home.headers.get("location")).toBe("/web/units/4");
    expect((await officer.get("/web/units/4")).status).toBe(200);
    expect((await officer.get("/web/units/1")).status).toBe(403);
    expect((await officer.get("/web/campaigns/1")).status).toBe(403);
    expect((await officer.get("/web/members")).status).toBe(403);
    expect((await officer.get("/web/announcements")).status).toBe(403);
    expect((await officer.get(`/web/photos/${shaOfUnit1}/full`)).status).toBe(404);
    expect((await officer.get(`/web/photos/${shaOfUnit4}/full`)).status).toBe(200);
    const gallery = await (await officer.get("/web/gallery?unit=1")).text();
    expect(gallery).toContain("1 ảnh");
    expect(gallery).not.toContain(shaOfUnit1);
  });

  it("shows another bloc's lead nothing of this bloc", async () => {
    await withUnitMembers();
    const other = await h.t.app.services.blocs.createBloc(
      "Khối khác",
      "Asia/Ho_Chi_Minh",
      "operator",
    );
    const invite = await h.t.app.services.membership.issueInvite({
      blocId: other.id,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    });
    await h.t.chat.as("khac").send(`/join ${invite.code}`);
    const stranger = await signedIn("khac");
    expect((await stranger.get("/web/campaigns/1")).status).toBe(404);
    expect((await stranger.get("/web/units/4")).status).toBe(404);
    expect((await stranger.get("/web/announcements/1")).status).toBe(404);
    const sha = (await h.t.app.deps.db.evidence.findFirstOrThrow()).sha256;
    expect((await stranger.get(`/web/photos/${sha}/full`)).status).toBe(404);
  });

  it("refuses a post without the page's token, or from another site, and changes nothing", async () => {
    await withUnitMembers();
    const lead = await signedIn(DEMO_LEAD);
    const csrf = lead.csrf(await (await lead.get("/web/members")).text());
    const before = await h.t.app.deps.db.inviteCode.count();
    expect((await lead.post("/web/invites", { unit: "2", role: "FOCAL" })).status).toBe(403);
    expect(
      (
        await lead.post(
          "/web/invites",
          { _csrf: csrf, unit: "2", role: "FOCAL" },
          { origin: "https://evil.example" },
        )
      ).status,
    ).toBe(403);
    expect(await h.t.app.deps.db.inviteCode.count()).toBe(before);
  });

  it("switches the language, and never redirects to another site", async () => {
    const lead = await signedIn(DEMO_LEAD);
    const switched = await lead.get("/web/lang/en?back=/web/members");
    expect(switched.headers.get("location")).toBe("/web/members");
    lead.cookie += `; ${(switched.headers.get("set-cookie") ?? "").split(";")[0]}`;
    expect(await (await lead.get("/web")).text()).toContain("The bloc at a glance");
    const away = await lead.get("/web/lang/vi?back=https://evil.example");
    expect(away.headers.get("location")).toBe("/web");
  });
});

describe("the Telegram Mini App", () => {
  const miniAppLogin = (initData: string) =>
    fetch(new URL("/web/telegram/login", h.http.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ initData }).toString(),
    });
  const initDataFor = (userId: number, authDate: Date, token = TELEGRAM_TEST_TOKEN) =>
    signInitData(
      {
        auth_date: String(Math.floor(authDate.getTime() / 1000)),
        query_id: "AAE",
        user: JSON.stringify({ id: userId, first_name: "Lan", language_code: "vi" }),
      },
      token,
    );

  beforeEach(async () => {
    await h.t.app.services.membership.join(
      { platform: "telegram", platformChatId: "501", kind: "PRIVATE" },
      { platformUserId: "501", displayName: "Lan" },
      h.invites[3]?.code ?? "",
      "vi",
    );
  });

  it("signs a member in from initData signed with the bot's token within the hour", async () => {
    const response = await miniAppLogin(
      initDataFor(501, new Date(h.t.clock.now().getTime() - 59 * MINUTE)),
    );
    expect(response.status).toBe(200);
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const page = await fetch(new URL("/web", h.http.url), {
      headers: { cookie },
      redirect: "manual",
    });
    expect(page.headers.get("location")).toBe("/web/units/4");
  });

  it("refuses initData signed with another token, over an hour old, dated ahead, or for a stranger", async () => {
    const now = h.t.clock.now();
    expect((await miniAppLogin(initDataFor(501, now, "999:other"))).status).toBe(401);
    const old = new Date(now.getTime() - 61 * MINUTE);
    expect((await miniAppLogin(initDataFor(501, old))).status).toBe(401);
    const ahead = new Date(now.getTime() + 10 * MINUTE);
    expect((await miniAppLogin(initDataFor(501, ahead))).status).toBe(401);
    expect((await miniAppLogin(initDataFor(777, now))).status).toBe(401);
    const tampered = initDataFor(501, now).replace("Lan", "Minh");
    expect((await miniAppLogin(tampered)).status).toBe(401);
    expect(await h.t.app.deps.db.webSession.count()).toBe(0);
  });

  it("serves its page with Telegram's script allowed and framing only by Telegram's web client", async () => {
    const page = await fetch(new URL("/web/telegram", h.http.url));
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self' https://telegram.org");
    expect(csp).toContain("frame-ancestors https://web.telegram.org");
    expect(await page.text()).toContain('src="/web/telegram.js"');
  });
});
