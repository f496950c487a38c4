import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../src/admin/adminCommands.ts";
import { DEMO_LEAD } from "../../src/features/blocs/demo.ts";
import { png } from "../helpers/images.ts";
import { startTelegramBot, type TelegramHarness } from "../helpers/telegramBot.ts";
import { texts } from "../helpers/testApp.ts";
import { startWebBot, type WebHarness } from "../helpers/webBot.ts";
import { readXlsx } from "../helpers/xlsxReader.ts";

/*
 * Every photo carries its proof: when the server got it, from whom, through which app,
 * whether the app marked it forwarded or sent as a file, and what its EXIF claims
 * (absent said as absent, impossible values shown as implausible). The lead sees it in
 * /review and the gallery's viewer; each export carries it in manifest.csv and is
 * sealed, so a file shown at a meeting can be checked against the export it came from.
 */

/** A real JPEG whose EXIF says what a camera (or a reset phone) would write. */
async function jpegWithExif(
  seed: number,
  exif: { taken?: string; lat?: string; lon?: string } = {},
): Promise<Uint8Array> {
  const image = sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: seed, g: 120, b: 60 } },
  }).jpeg();
  if (!exif.taken && !exif.lat) return image.toBuffer();
  return image
    .withExif({
      IFD0: { Make: "Thidua test camera" },
      ...(exif.taken ? { IFD2: { DateTimeOriginal: exif.taken } } : {}),
      ...(exif.lat && exif.lon
        ? {
            IFD3: {
              GPSLatitudeRef: "N",
              GPSLatitude: exif.lat,
              GPSLongitudeRef: "E",
              GPSLongitude: exif.lon,
            },
          }
        : {}),
    })
    .toBuffer();
}

const HANOI = { lat: "21/1 1/1 30/1", lon: "105/1 50/1 0/1" };
const NULL_ISLAND = { lat: "0/1 0/1 0/1", lon: "0/1 0/1 0/1" };

let web: WebHarness | null = null;
let telegram: TelegramHarness | null = null;
const folders: string[] = [];
afterEach(async () => {
  await web?.close();
  await telegram?.close();
  web = null;
  telegram = null;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Lan (Ban Tuyên giáo) files four photos by hashtag from the console: a camera's
 * photo with its time and place, one from a phone whose clock was reset and had no
 * fix, one dated 2099, and a PNG without any EXIF sent as a file.
 */
async function fourPhotos(h: WebHarness) {
  await h.t.chat.as("lan").send(`/join ${h.invites[3]?.code}`);
  const photos = [
    { bytes: await jpegWithExif(1, { taken: "2026:03:01 08:30:00", ...HANOI }), fileName: "a.jpg" },
    {
      bytes: await jpegWithExif(2, { taken: "1970:01:01 00:00:00", ...NULL_ISLAND }),
      fileName: "b.jpg",
    },
    { bytes: await jpegWithExif(3, { taken: "2099:12:31 23:59:00" }), fileName: "c.jpg" },
    { bytes: png(40, 30, 9), fileName: "d.png", kind: "document" as const },
  ];
  const answer = texts(await h.t.chat.as("lan").sendFiles(photos, "#xanhsachdep"));
  expect(answer).not.toMatch(/lỗi|không đọc được/i);
  const evidence = await h.t.app.deps.db.evidence.findMany({ orderBy: { id: "asc" } });
  expect(evidence).toHaveLength(4);
  return evidence;
}

describe("the proof card", () => {
  it("is shown in the gallery's viewer: server time, sender, app, marks, EXIF or its absence, size, SHA-256", async () => {
    web = await startWebBot();
    const h = web;
    const [camera, reset, future, plain] = await fourPhotos(h);
    const browser = h.browser();
    expect((await browser.open(await h.linkFor(DEMO_LEAD))).status).toBe(303);
    const page = async (sha: string | undefined) =>
      (await (await browser.get(`/web/photos/${sha}`)).text()).replace(/&#39;/g, "'");

    const first = await page(camera?.sha256);
    expect(first).toContain("Chứng cứ của ảnh");
    expect(first).toContain("Máy chủ nhận lúc: 09:00 02/03/2026");
    expect(first).toContain("Người gửi: lan — Ban Tuyên giáo Tỉnh ủy");
    expect(first).toContain("Gửi qua: máy chạy bot");
    expect(first).toContain("Ứng dụng đánh dấu là chuyển tiếp: không rõ (ứng dụng không cho biết)");
    expect(first).toContain("Gửi dạng tệp (không phải ảnh): không");
    expect(first).toContain("Chụp lúc (EXIF, theo đồng hồ máy ảnh): 08:30 01/03/2026<");
    expect(first).toContain("Vị trí chụp (EXIF): 21.02500, 105.83333<");
    expect(first).toContain("Kích thước: 64 × 48");
    expect(first).toContain(`SHA-256: ${camera?.sha256}`);
    // A flat photo resembles every flat photo: it is never anyone's near-duplicate.
    expect(first).toContain("Ảnh gần trùng: không có");

    const second = await page(reset?.sha256);
    expect(second).toContain(
      "Chụp lúc (EXIF, theo đồng hồ máy ảnh): 00:00 01/01/1970 (không hợp lý)",
    );
    expect(second).toContain("Vị trí chụp (EXIF): 0.00000, 0.00000 (không hợp lý)");
    const third = await page(future?.sha256);
    expect(third).toContain("23:59 31/12/2099 (không hợp lý)");
    expect(third).toContain("Vị trí chụp (EXIF): không có");

    const fourth = await page(plain?.sha256);
    expect(fourth).toContain("Chụp lúc (EXIF, theo đồng hồ máy ảnh): không có");
    expect(fourth).toContain("Vị trí chụp (EXIF): không có");
    expect(fourth).toContain("Gửi dạng tệp (không phải ảnh): có");
    expect(fourth).toContain("Kích thước: 40 × 30");
  });

  it("is under the report's card in /review, a line per photo", async () => {
    web = await startWebBot();
    const h = web;
    const [camera] = await fourPhotos(h);
    const card = texts(await h.t.chat.as(DEMO_LEAD).send("/xet"));
    expect(card).toContain("Chứng cứ từng ảnh:");
    expect(card).toContain(
      `Ảnh 1: nhận 09:00 02/03/2026 · lan · máy chạy bot, không rõ có chuyển tiếp không · chụp (EXIF): 08:30 01/03/2026 · GPS: 21.02500, 105.83333 · 64 × 48 · SHA-256 ${camera?.sha256.slice(0, 12)}…`,
    );
    expect(card).toContain("Ảnh 2: ");
    expect(card).toMatch(
      /Ảnh 2: .*chụp \(EXIF\): 00:00 01\/01\/1970 \(không hợp lý\) · GPS: 0\.00000, 0\.00000 \(không hợp lý\)/,
    );
    expect(card).toMatch(
      /Ảnh 4: .*gửi dạng tệp · chụp \(EXIF\): không có · GPS: không có · 40 × 30/,
    );
  });

  it("is in the reviewer's language", async () => {
    web = await startWebBot();
    const h = web;
    await fourPhotos(h);
    await h.t.chat.as(DEMO_LEAD).send("/lang en");
    const card = texts(await h.t.chat.as(DEMO_LEAD).send("/review"));
    expect(card).toContain("Proof of each photo:");
    expect(card).toMatch(/Photo 2: .*taken \(EXIF\): 00:00 01\/01\/1970 \(implausible\)/);
    expect(card).toMatch(/Photo 4: .*sent as a file · taken \(EXIF\): none · GPS: none/);
  });
});

describe("a forwarded photo on Telegram", () => {
  it("is marked forwarded, as Telegram's forward_origin says; a photo sent directly is not", async () => {
    telegram = await startTelegramBot();
    const h = telegram;
    const lan = { id: 604, first_name: "Lan" };
    await h.say(lan.id, lan, `/join ${h.invites[3]?.code}`, 2);
    const before = h.fake.textsIn(lan.id).length;
    h.fake.photo(lan.id, lan, await jpegWithExif(7), {
      caption: "#xanhsachdep",
      forwardedFrom: { id: 999, first_name: "Người khác" },
    });
    await h.fake.until(() => h.fake.textsIn(lan.id).length > before, 5000, "the photo's answer");
    const after = h.fake.textsIn(lan.id).length;
    h.fake.photo(lan.id, lan, await jpegWithExif(8), { caption: "#xanhsachdep" });
    await h.fake.until(() => h.fake.textsIn(lan.id).length > after, 5000, "the second answer");

    const rows = await h.t.app.deps.db.evidence.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.platform, r.forwarded, r.sentAsFile])).toEqual([
      ["telegram", true, false],
      ["telegram", false, false],
    ]);
    const card = texts(await h.t.chat.as(DEMO_LEAD).send("/xet"));
    expect(card).toMatch(/Ảnh 1: .* · Lan · Telegram, chuyển tiếp · chụp \(EXIF\): không có/);
    expect(card).toMatch(/Ảnh 2: .* · Lan · Telegram · chụp/);
  });
});

describe("an export", () => {
  /** The lead's export, copied by the operator's command into a folder of its own. */
  async function exported(h: WebHarness) {
    await fourPhotos(h);
    const out = mkdtempSync(join(tmpdir(), "thidua-export-"));
    folders.push(out);
    await runAdminCommand(h.t.app, ["export", "1", "--out", out]);
    return out;
  }

  it("writes each photo's proof card into manifest.csv", async () => {
    web = await startWebBot();
    const out = await exported(web);
    const zipName = readdirSync(out).find((f) => f.endsWith("minh-chung.zip")) ?? "";
    const manifest = strFromU8(
      unzipSync(readFileSync(join(out, zipName)))["manifest.csv"] ?? new Uint8Array(),
    );
    const lines = manifest
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      "Tệp,Đơn vị,Hạn báo cáo,Người báo cáo,Thời điểm nhận,SHA-256,Gửi qua,Chuyển tiếp,Gửi dạng tệp,Chụp lúc (EXIF),Vị trí (EXIF),Kích thước,Mã ảnh,Ảnh gần trùng",
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(
      /,lan,09:00 02\/03\/2026,[0-9a-f]{64},máy chạy bot,không rõ \(ứng dụng không cho biết\),không,08:30 01\/03\/2026,"21\.02500, 105\.83333",64 × 48,\d+,không có$/,
    );
    expect(lines[2]).toMatch(
      /,00:00 01\/01\/1970 \(không hợp lý\),"0\.00000, 0\.00000 \(không hợp lý\)",64 × 48,\d+,không có$/,
    );
    expect(lines[3]).toMatch(/,23:59 31\/12\/2099 \(không hợp lý\),không có,64 × 48,\d+,không có$/);
    expect(lines[4]).toMatch(/,có,không có,không có,40 × 30,\d+,không có$/);
  });

  it("is sealed: its XLSX prints the seal, and export verify finds it intact", async () => {
    web = await startWebBot();
    const out = await exported(web);
    const manifest = readFileSync(join(out, "manifest.sha256"), "utf8").trim().split("\n");
    const names = readdirSync(out).filter((f) => f !== "manifest.sha256");
    expect(manifest.map((l) => l.split("  ")[1]).sort()).toEqual(names.sort());
    const xlsxName = manifest.at(-1)?.split("  ")[1] ?? "";
    expect(xlsxName).toMatch(/^thidua-1-.*\.xlsx$/);
    const rows = readXlsx(readFileSync(join(out, xlsxName)));
    const sealRow = rows.find((r) => r[0]?.startsWith("Niêm phong"));
    expect(sealRow?.[1]).toMatch(/^[0-9a-f]{64}$/);

    const verdict = await runAdminCommand(web.t.app, ["export", "verify", out]);
    expect(verdict.text).toBe(`intact: every file as exported (seal ${sealRow?.[1]})`);
  });

  it("altered by one byte: export verify names the file", async () => {
    web = await startWebBot();
    const out = await exported(web);
    const zipName = readdirSync(out).find((f) => f.endsWith(".zip")) ?? "";
    const bytes = readFileSync(join(out, zipName));
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 1;
    writeFileSync(join(out, zipName), bytes);
    await expect(runAdminCommand(web.t.app, ["export", "verify", out])).rejects.toThrow(
      `NOT intact:\nchanged: ${zipName}`,
    );
  });

  it("with a file missing, or one slipped in: export verify names them", async () => {
    web = await startWebBot();
    const out = await exported(web);
    const csvName = readdirSync(out).find((f) => f.endsWith(".csv")) ?? "";
    unlinkSync(join(out, csvName));
    writeFileSync(join(out, "anh-them.jpg"), "not from the export");
    await expect(runAdminCommand(web.t.app, ["export", "verify", out])).rejects.toThrow(
      `NOT intact:\nmissing: ${csvName}\nnot in the export: anh-them.jpg`,
    );
  });

  it("whose manifest was edited to match a changed file: the seal on the XLSX gives it away", async () => {
    web = await startWebBot();
    const out = await exported(web);
    const csvName = readdirSync(out).find((f) => f.endsWith(".csv")) ?? "";
    const csv = readFileSync(join(out, csvName), "utf8").replace(
      "Ban Tuyên giáo",
      "Ban Tuyên huấn",
    );
    writeFileSync(join(out, csvName), csv);
    const { createHash } = await import("node:crypto");
    const forged = readFileSync(join(out, "manifest.sha256"), "utf8").replace(
      new RegExp(`^[0-9a-f]{64}(?=  ${csvName.replace(/\./g, "\\.")}$)`, "m"),
      createHash("sha256").update(csv).digest("hex"),
    );
    writeFileSync(join(out, "manifest.sha256"), forged);
    await expect(runAdminCommand(web.t.app, ["export", "verify", out])).rejects.toThrow(
      "changed: manifest.sha256",
    );
  });

  it("refuses a folder that is no export, saying so", async () => {
    web = await startWebBot();
    const empty = mkdtempSync(join(tmpdir(), "thidua-empty-"));
    folders.push(empty);
    await expect(runAdminCommand(web.t.app, ["export", "verify", empty])).rejects.toThrow(
      /no manifest\.sha256 in/,
    );
  });
});
