import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pdfText } from "../helpers/documentReaders.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";
import { startZaloBot, type ZaloHarness } from "../helpers/zaloBot.ts";

/*
 * /tongket on each app: a question with buttons on Telegram and the files as
 * documents; numbered lines on Zalo (no buttons, no documents) and signed links.
 */

const minh = { id: 502, first_name: "Minh" };
let close: () => Promise<void> = async () => {};
afterEach(() => close());

const leadCode = async (h: TelegramHarness | ZaloHarness) =>
  (
    await h.t.app.services.membership.issueInvite({
      blocId: 1,
      unitId: null,
      role: "LEAD",
      issuer: "operator",
    })
  ).code;

describe("/tongket", () => {
  it("on Telegram: the periods are buttons, the pack comes as documents", async () => {
    const h = await startTelegramBot();
    close = h.close;
    await openScoredCampaign(h.t.app, h.t.clock.now(), { closeDemo: false });
    await h.say(900, minh, `/join ${await leadCode(h)}`, 2);
    await h.say(900, minh, "/tongket");
    const question = h.fake.sent.filter((m) => m.chatId === "900").at(-1);
    expect(question?.buttons.map((b) => b.text)).toContain("Tổng kết năm 2026");
    await h.press(900, minh, "Tổng kết năm 2026", 12);
    const documents = h.fake.sent.filter((m) => m.chatId === "900" && m.method === "sendDocument");
    const names = documents.map((d) => d.document?.name);
    expect(names).toHaveLength(11);
    expect(names).toContain("tongket-2026-1-bang-tong-hop-diem.docx");
    expect(names).toContain("tongket-2026-5-bao-cao-tong-ket.pdf");
    expect(names.at(-1)).toBe("manifest.sha256");
    const pdf = documents.find((d) => d.document?.name === "tongket-2026-2-bien-ban-binh-xet.pdf");
    const path = join(h.t.dir, "received.pdf");
    writeFileSync(path, pdf?.document?.bytes ?? new Uint8Array());
    expect(pdfText(path)).toContain("không tổ chức bỏ phiếu kín");
  }, 60_000);

  it("on Zalo: the periods are numbered, the answer is links", async () => {
    const h = await startZaloBot();
    close = h.close;
    await openScoredCampaign(h.t.app, h.t.clock.now(), { closeDemo: false });
    await h.say("lead-z", `/join ${await leadCode(h)}`, 1);
    // The welcome may come in more than one message: wait for the list itself.
    h.fake.text("lead-z", "Người lead-z", "/tongket");
    await h.fake.until(
      () => h.fake.textsTo("lead-z").some((m) => /1\. Tổng kết năm 2026/.test(m)),
      5000,
      "the list of periods",
    );
    const answer = (await h.say("lead-z", "1")).join("\n");
    expect(answer).toContain("Bộ văn bản năm 2026");
    expect(answer).toMatch(/tongket-2026-1-bang-tong-hop-diem\.pdf\n\S+\/downloads\/\S+/);
    expect(
      h.fake.sent.some((s) => s.chatId === "lead-z" && /file|document/i.test(s.method ?? "")),
    ).toBe(false);
  }, 60_000);
});
