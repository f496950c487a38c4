import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { png } from "../helpers/images.ts";
import { signInWithLink, startWebBot, type WebClient, type WebHarness } from "../helpers/webBot.ts";

/*
 * The lead's members page: roles and removals asked once more as in /members, units
 * added, renamed and retired, the invite form's defaults; and a unit's page showing
 * every deadline it still owes. Over HTTP, and in Debian's Chromium at 360 px.
 */

const ARTIFACTS = join(import.meta.dirname, "../../test-artifacts");
const PHONE = { width: 360, height: 780 };

let h: WebHarness;
beforeEach(async () => {
  h = await startWebBot();
  await h.t.chat.as("lan").send(`/join ${h.invites[3]?.code}`);
});
afterEach(() => h.close());

const memberId = async (name: string) =>
  (await h.t.app.deps.db.member.findFirstOrThrow({ where: { displayName: name } })).id;

async function signedIn(speaker = DEMO_LEAD): Promise<{ client: WebClient; csrf: string }> {
  const client = h.browser();
  await client.open(await h.linkFor(speaker));
  const csrf = client.csrf(await (await client.get("/web/members")).text());
  return { client, csrf };
}

describe("members on the web", () => {
  it("asks before removing, offers to revoke the code they used, and keeps them out of it", async () => {
    const { client, csrf } = await signedIn();
    const id = await memberId("lan");
    const asked = await (await client.post(`/web/members/${id}/remove`, { _csrf: csrf })).text();
    expect(asked).toContain("Xóa lan khỏi khối?");
    expect(asked).toContain("Thu hồi luôn mã họ đã dùng: #");
    expect(await h.t.app.deps.db.member.count({ where: { id, removedAt: null } })).toBe(1);
    const done = await (
      await client.post(`/web/members/${id}/remove`, { _csrf: csrf, confirm: "yes", revoke: "yes" })
    ).text();
    expect(done).toContain("Đã xóa lan khỏi khối và thu hồi 1 mã");
    const answer = await h.t.chat.as("minh").send(`/join ${h.invites[3]?.code}`);
    expect(answer.map((r) => r.text).join("\n")).toContain("đã bị thu hồi");
  });

  it("refuses to remove the bloc's last lead, and says why, with nothing changed", async () => {
    const { client, csrf } = await signedIn();
    const id = await memberId("Thường trực khối (demo)");
    const response = await client.post(`/web/members/${id}/remove`, {
      _csrf: csrf,
      confirm: "yes",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Khối phải còn ít nhất một thường trực");
    expect(await h.t.app.deps.db.member.count({ where: { role: "LEAD", removedAt: null } })).toBe(
      1,
    );
  });

  it("refuses a role change without the page's token, or from another site", async () => {
    const { client, csrf } = await signedIn();
    const id = await memberId("lan");
    const form = { role: "OFFICER", confirm: "yes" };
    expect((await client.post(`/web/members/${id}/role`, form)).status).toBe(403);
    const forged = await client.post(
      `/web/members/${id}/role`,
      { ...form, _csrf: csrf },
      { origin: "https://evil.example" },
    );
    expect(forged.status).toBe(403);
    expect((await h.t.app.deps.db.member.findUniqueOrThrow({ where: { id } })).role).toBe("FOCAL");
    // Lan herself is no lead: the page is not hers.
    const officer = await signedIn("lan");
    expect((await officer.client.get("/web/members")).status).toBe(403);
  });

  it("adds, renames and retires units, refusing a name the bloc has", async () => {
    const { client, csrf } = await signedIn();
    const added = await (
      await client.post("/web/units", { _csrf: csrf, name: "Ban Đối ngoại" })
    ).text();
    expect(added).toContain("Đã thêm đơn vị “Ban Đối ngoại”");
    const taken = await client.post("/web/units/2/rename", {
      _csrf: csrf,
      name: "Văn phòng Tỉnh ủy",
    });
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain("Khối đã có đơn vị tên “Văn phòng Tỉnh ủy”");
    expect((await h.t.app.deps.db.unit.findUniqueOrThrow({ where: { id: 2 } })).name).toBe(
      "Ban Tổ chức Tỉnh ủy",
    );
    const asked = await (await client.post("/web/units/8/retire", { _csrf: csrf })).text();
    expect(asked).toContain("Cho “Ban Đối ngoại” ngừng tham gia?");
    const retired = await (
      await client.post("/web/units/8/retire", { _csrf: csrf, confirm: "yes" })
    ).text();
    expect(retired).toContain("“Ban Đối ngoại” đã ngừng tham gia");
    expect(retired).not.toContain('<option value="8">');
  });

  it("opens the invite form on a combination it accepts", async () => {
    const { client } = await signedIn();
    const page = await (await client.get("/web/members")).text();
    const firstOption = (select: string) =>
      new RegExp(`<select id="${select}" name="${select}"><option value="([^"]*)"`).exec(page)?.[1];
    expect(firstOption("unit")).toBe("1");
    expect(firstOption("role")).toBe("FOCAL");
  });
});

describe("a unit's page", () => {
  it("lists every deadline of the running campaign, reported or not, with the time left", async () => {
    await h.t.chat
      .as("lan")
      .sendFiles([{ bytes: png(8, 8, 2), fileName: "a.png" }], "#xanhsachdep");
    const { client } = await signedIn("lan");
    const page = await (await client.get("/web/units/4")).text();
    const deadlines = [...page.matchAll(/<li data-deadline="(\d+)">(.*?)<\/li>/g)];
    expect(deadlines).toHaveLength(3);
    expect(deadlines[0]?.[2]).toContain("Đang thực hiện");
    expect(deadlines[0]?.[2]).toContain("còn 7 ngày");
    expect(deadlines[1]?.[2]).toContain("chưa báo cáo");
    expect(deadlines[2]?.[2]).toContain("chưa báo cáo");
  });
});

describe("the members page in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  }, 30_000);
  afterAll(() => browser?.close());

  it("changes a role on a phone, asked once more, and the member is told", {
    timeout: 30_000,
  }, async () => {
    const context = await browser.newContext({ viewport: PHONE });
    context.setDefaultTimeout(5000);
    const page = await context.newPage();
    await signInWithLink(page, await h.linkFor(DEMO_LEAD));
    await page.getByRole("link", { name: "Thành viên" }).click();
    await page.waitForURL(/\/web\/members$/);
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page.screenshot({ path: join(ARTIFACTS, "members-phone.png"), fullPage: true });
    await page.getByLabel("Vai trò mới của lan").selectOption("OFFICER");
    const row = page.locator(".people li", { hasText: `#${await memberId("lan")}` });
    await row.getByRole("button", { name: "Đổi vai trò" }).click();
    expect(
      await page.getByRole("heading", { name: "Đổi vai trò của lan thành Cán bộ?" }).count(),
    ).toBe(1);
    await page.getByRole("button", { name: "Có, làm ngay" }).click();
    expect(await page.getByRole("status").textContent()).toContain("lan giờ là Cán bộ.");
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
      PHONE.width,
    );
    await context.close();
    const lan = await h.t.app.deps.db.member.findFirstOrThrow({ where: { displayName: "lan" } });
    expect(lan.role).toBe("OFFICER");
    await h.t.deliver();
    expect(h.t.transport.receivedBy("lan").join("\n")).toContain(
      "đã đổi vai trò của bạn thành Cán bộ",
    );
  });
});
