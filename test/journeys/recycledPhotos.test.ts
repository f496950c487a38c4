import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../src/admin/adminCommands.ts";
import { DAY } from "../../src/core/clock.ts";
import { type DemoInvite, seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { animatedWebp, edits, flatPhoto, scenePhoto } from "../helpers/scenes.ts";
import { openScoredCampaign } from "../helpers/scoredCampaign.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";
import { readXlsx } from "../helpers/xlsxReader.ts";

/*
 * A photo re-sent through a chat app is recompressed and resized, so its SHA-256 is new
 * each time. Three units file one scene as such copies over two deadlines of the demo
 * campaign (quick reports with its hashtag); the lead sees each flag in /review, and the
 * operator lists the pairs. Nothing is refused, and the units are told nothing.
 */

let t: TestApp;
let invites: DemoInvite[];
beforeEach(async () => {
  t = await createTestApp();
  invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

const TO_CHUC = 1; // Ban Tổ chức Tỉnh ủy
const TUYEN_GIAO = 3; // Ban Tuyên giáo Tỉnh ủy
const DAN_VAN = 4; // Ban Dân vận Tỉnh ủy

async function join(name: string, unit: number) {
  await t.chat.as(name).send(`/join ${invites[unit]?.code}`);
}

async function file(
  name: string,
  bytes: Uint8Array,
  fileName: string,
  hashtag = "#xanhsachdep",
): Promise<string> {
  return texts(await t.chat.as(name).sendFiles([{ bytes, fileName }], hashtag));
}

interface Pair {
  photo: { evidenceId: number; unit: string; sha256: string };
  earlier: { evidenceId: number; unit: string; sha256: string };
  distance: number;
  band: string;
  mirrored: boolean;
  sameUnit: boolean;
}

/** The lead's /review, card after card ("Để sau" moves on), each card's text. */
async function reviewCards(): Promise<Map<string, string>> {
  const cards = new Map<string, string>();
  let card = texts(await t.chat.as("lead").send("/xet"));
  for (let i = 0; i < 10 && /Báo cáo #\d+ — (.+)/.test(card); i++) {
    const unit = card.match(/Báo cáo #\d+ — (.+)/)?.[1] ?? "";
    const title = `${unit}#${card.match(/hạn [^\n]+/)?.[0]}`;
    if (cards.has(title)) break;
    cards.set(title, card);
    card = texts(await t.chat.as("lead").send("Để sau"));
  }
  return cards;
}

describe("recycled photos across the bloc", () => {
  it("flags copies filed by three units over two deadlines, for the lead and the operator only", async () => {
    await join("to", TO_CHUC);
    await join("tuyen", TUYEN_GIAO);
    await join("dan", DAN_VAN);
    const original = await scenePhoto(21);

    // First deadline: the original, then a recompressed and a half-size copy from two other units.
    expect(await file("to", original, "san.jpg")).toContain("✅ Đã lưu 1 ảnh");
    const recompressed = await file("tuyen", await edits.recompressed(original), "san2.jpg");
    expect(recompressed).toContain("✅ Đã lưu 1 ảnh");
    // The unit that filed a copy hears nothing of the other unit.
    expect(recompressed).not.toContain("Ban Tổ chức");
    expect(recompressed).not.toContain("⚠️");
    await file("dan", await edits.halfSize(original), "san3.jpg");

    // Second deadline: Ban Tổ chức re-uses its own photo, cropped; Ban Dân vận sends
    // another shot of the same scene.
    t.clock.advance(8 * DAY);
    await file("to", await edits.cropped(original), "san4.jpg");
    await file("dan", await scenePhoto(21, { shot: 1 }), "san5.jpg");
    // An unrelated photo is not flagged.
    await file("tuyen", await scenePhoto(77), "khac.jpg");

    const evidence = await t.app.deps.db.evidence.findMany({ orderBy: { id: "asc" } });
    expect(evidence).toHaveLength(6);
    expect(evidence.every((e) => /^[0-9a-f]{16}$/.test(e.phash ?? ""))).toBe(true);
    const [e1, e2, e3, e4, e5, e6] = evidence.map((e) => e.id);

    const cards = await reviewCards();
    const cardOf = (unit: string, nth: number) =>
      [...cards.entries()].filter(([title]) => title.startsWith(unit))[nth]?.[1] ?? "";
    expect(cardOf("Ban Tổ chức", 0)).not.toContain("⚠️");
    expect(cardOf("Ban Tuyên giáo", 0)).toMatch(
      new RegExp(
        `⚠️ Ảnh #${e2} giống ảnh #${e1} của Ban Tổ chức Tỉnh ủy \\(gửi 09:00 02/03/2026, hạn 17:00 09/03/2026\\): cùng một ảnh, lệch \\d/64\\.`,
      ),
    );
    const danVan = cardOf("Ban Dân vận", 0);
    expect(danVan).toContain(`⚠️ Ảnh #${e3} giống ảnh #${e1} của Ban Tổ chức Tỉnh ủy`);
    expect(danVan).toContain(`⚠️ Ảnh #${e3} giống ảnh #${e2} của Ban Tuyên giáo Tỉnh ủy`);
    const ownAgain = cardOf("Ban Tổ chức", 1);
    expect(ownAgain).toContain(
      `⚠️ Ảnh #${e4} là ảnh đơn vị đã nộp trước đây (ảnh #${e1}, gửi 09:00 02/03/2026, hạn 17:00 09/03/2026`,
    );
    expect(ownAgain).toContain("cùng một ảnh");
    expect(cardOf("Ban Dân vận", 1)).toContain(
      `⚠️ Ảnh #${e5} giống ảnh #${e1} của Ban Tổ chức Tỉnh ủy`,
    );
    expect(cardOf("Ban Dân vận", 1)).toContain("cùng cảnh, cần xem lại");
    expect(cardOf("Ban Tuyên giáo", 1)).not.toContain("⚠️");

    // The lead's /progress counts them, by unit.
    expect(texts(await t.chat.as("lead").send("/progress 1"))).toContain(
      "⚠️ 4 ảnh giống ảnh đã nộp trước đó (Ban Dân vận Tỉnh ủy: 2, Ban Tổ chức Tỉnh ủy: 1, Ban Tuyên giáo Tỉnh ủy: 1): xem lại khi duyệt (/xet).",
    );

    const similar = (await runAdminCommand(t.app, ["evidence", "similar", "1", "--json"]))
      .json as Pair[];
    const pairs = similar.map((p) => [p.photo.evidenceId, p.earlier.evidenceId, p.band]);
    expect(pairs).toEqual(
      expect.arrayContaining([
        [e2, e1, "SAME_PHOTO"],
        [e3, e1, "SAME_PHOTO"],
        [e3, e2, "SAME_PHOTO"],
        [e4, e1, "SAME_PHOTO"],
        [e5, e1, "SAME_SCENE"],
      ]),
    );
    expect(similar.some((p) => p.photo.evidenceId === e6 || p.earlier.evidenceId === e6)).toBe(
      false,
    );
    const own = similar.find((p) => p.photo.evidenceId === e4 && p.earlier.evidenceId === e1);
    expect(own).toMatchObject({
      sameUnit: true,
      photo: { unit: "Ban Tổ chức Tỉnh ủy", sha256: evidence[3]?.sha256 },
      earlier: { unit: "Ban Tổ chức Tỉnh ủy", sha256: evidence[0]?.sha256 },
    });
    expect(similar.every((p) => p.distance <= 20)).toBe(true);
  }, 60_000);

  it("fingerprints photos filed before fingerprints in the background, and flags them as at intake", async () => {
    await join("to", TO_CHUC);
    await join("tuyen", TUYEN_GIAO);
    const original = await scenePhoto(31);
    await file("to", original, "a.jpg");
    await file("tuyen", await edits.recompressed(original), "b.jpg");
    await file("tuyen", await scenePhoto(32), "c.jpg");
    const db = () => t.app.deps.db;
    const flagged = await db().evidenceMatch.findMany({
      select: { evidenceId: true, matchId: true, band: true },
    });
    expect(flagged).toHaveLength(1);
    const prints = await db().evidence.findMany({ orderBy: { id: "asc" } });
    // As the migration leaves them: no fingerprints, no flags; and one file gone missing.
    await db().evidenceMatch.deleteMany();
    await db().evidence.updateMany({ data: { phash: null, phashMirror: null, phashFlat: null } });
    await file("to", await scenePhoto(33), "d.jpg");
    const lost = await db().evidence.findFirstOrThrow({ where: { id: { gt: prints.at(-1)?.id } } });
    await db().evidence.update({
      where: { id: lost.id },
      data: { phash: null, storageKey: "gone/missing.jpg" },
    });

    t = await t.restart();
    expect(await t.app.services.fingerprintBackfill.run()).toEqual({ fingerprinted: 3, failed: 1 });
    const after = await t.app.deps.db.evidence.findMany({ orderBy: { id: "asc" }, take: 3 });
    expect(after.map((e) => [e.phash, e.phashMirror])).toEqual(
      prints.map((e) => [e.phash, e.phashMirror]),
    );
    expect(
      await t.app.deps.db.evidenceMatch.findMany({
        select: { evidenceId: true, matchId: true, band: true },
      }),
    ).toEqual(flagged);
    // A second run finds nothing left to do.
    expect(await t.app.services.fingerprintBackfill.run()).toEqual({ fingerprinted: 0, failed: 0 });
    const card = texts(await t.chat.as("lead").send("/xet"));
    const next = texts(await t.chat.as("lead").send("Để sau"));
    expect(`${card}\n${next}`).toContain(`giống ảnh #${prints[0]?.id} của Ban Tổ chức Tỉnh ủy`);
  }, 60_000);

  it("never calls two different flat photos the same photo", async () => {
    await join("to", TO_CHUC);
    await join("tuyen", TUYEN_GIAO);
    expect(await file("to", await flatPhoto(250, 250, 250), "trang.jpg")).toContain("✅");
    expect(await file("tuyen", await flatPhoto(20, 20, 20), "den.jpg")).toContain("✅");
    const stored = await t.app.deps.db.evidence.findMany();
    expect(stored.map((e) => e.phashFlat)).toEqual([true, true]);
    expect(await t.app.deps.db.evidenceMatch.count()).toBe(0);
  });

  it("takes a 32 × 32 photo, a long panorama and an animated WebP through intake: stored, fingerprinted, flagged only where alike", async () => {
    await join("to", TO_CHUC);
    await join("tuyen", TUYEN_GIAO);
    const panorama = await scenePhoto(9, { width: 12_000, height: 800 });
    expect(await file("to", await scenePhoto(8, { width: 32, height: 32 }), "nho.jpg")).toContain(
      "✅ Đã lưu 1 ảnh",
    );
    expect(await file("to", panorama, "toan-canh.jpg")).toContain("✅ Đã lưu 1 ảnh");
    expect(await file("to", await animatedWebp(), "dong.webp")).toContain("✅ Đã lưu 1 ảnh");
    // The panorama again from another unit, at half size: the same photo.
    expect(await file("tuyen", await edits.halfSize(panorama), "toan-canh-2.jpg")).toContain(
      "✅ Đã lưu 1 ảnh",
    );
    const stored = await t.app.deps.db.evidence.findMany({ orderBy: { id: "asc" } });
    expect(stored.map((e) => [e.width, e.height])).toEqual([
      [32, 32],
      [12_000, 800],
      [64, 48],
      [6_000, 400],
    ]);
    expect(stored.every((e) => /^[0-9a-f]{16}$/.test(e.phash ?? ""))).toBe(true);
    const [tiny, wide, animated, wideAgain] = stored.map((e) => e.id);
    const flags = await t.app.deps.db.evidenceMatch.findMany({
      select: { evidenceId: true, matchId: true, band: true },
    });
    expect(flags).toContainEqual({ evidenceId: wideAgain, matchId: wide, band: "SAME_PHOTO" });
    // The tiny photo and the animated one resemble nothing filed.
    expect(
      flags.filter(
        (f) => [tiny, animated].includes(f.evidenceId) || [tiny, animated].includes(f.matchId),
      ),
    ).toEqual([]);
  }, 60_000);

  it("carries the flags into the proof cards, every manifest.csv and the results sheet", async () => {
    const campaignId = await openScoredCampaign(t.app, t.clock.now(), { hashtag: "#congso" });
    await join("to", TO_CHUC);
    await join("tuyen", TUYEN_GIAO);
    await join("dan", DAN_VAN);
    const original = await scenePhoto(21);
    await file("to", original, "a.jpg", "#congso");
    await file("tuyen", await edits.recompressed(original), "b.jpg", "#congso");
    await file("dan", await scenePhoto(21, { shot: 1 }), "c.jpg", "#congso");
    const [e1, e2, e3] = (await t.app.deps.db.evidence.findMany({ orderBy: { id: "asc" } })).map(
      (e) => e.id,
    );
    const bands = await t.app.deps.db.evidenceMatch.findMany({
      select: { evidenceId: true, matchId: true, band: true },
    });
    expect(bands).toEqual(
      expect.arrayContaining([
        { evidenceId: e2, matchId: e1, band: "SAME_PHOTO" },
        { evidenceId: e3, matchId: e1, band: "SAME_SCENE" },
      ]),
    );

    // The reviewer's proof line names each photo's near-duplicates, either way.
    const cards = [...(await reviewCards()).entries()];
    const cardOf = (unit: string) => cards.find(([title]) => title.startsWith(unit))?.[1] ?? "";
    expect(cardOf("Ban Tổ chức")).toMatch(
      new RegExp(`Ảnh 1: .* · gần trùng: #${e2}, #${e3}$`, "m"),
    );
    expect(cardOf("Ban Tuyên giáo")).toMatch(new RegExp(`Ảnh 1: .* · gần trùng: #${e1}`));

    const out = mkdtempSync(joinPath(tmpdir(), "thidua-recycled-export-"));
    try {
      await runAdminCommand(t.app, ["export", String(campaignId), "--out", out]);
      const zip = readdirSync(out).find((f) => f.endsWith("minh-chung.zip")) ?? "";
      const manifest = strFromU8(
        unzipSync(readFileSync(joinPath(out, zip)))["manifest.csv"] ?? new Uint8Array(),
      )
        .replace(/^\uFEFF/, "")
        .trim()
        .split("\r\n");
      expect(manifest[0]).toMatch(/,Kích thước,Mã ảnh,Ảnh gần trùng$/);
      const rowOf = (id: number | undefined) =>
        manifest.find((line) => new RegExp(`,${id},[^,]*("[^"]*")?$`).test(line)) ?? "";
      expect(rowOf(e1)).toContain(`#${e2} (cùng một ảnh, lệch `);
      expect(rowOf(e1)).toContain(`#${e3} (cùng cảnh, cần xem lại, lệch `);
      expect(rowOf(e2)).toContain(`#${e1} (cùng một ảnh, lệch `);
      expect(rowOf(e3)).toContain(`#${e1} (cùng cảnh, cần xem lại, lệch `);

      // The results sheet: each unit's flagged photos, in the band of its closest match.
      const results = readXlsx(
        readFileSync(
          joinPath(out, readdirSync(out).find((f) => f.endsWith("-ket-qua-cham-diem.xlsx")) ?? ""),
        ),
      );
      const header = results[0] ?? [];
      const same = header.indexOf("Ảnh trùng: cùng một ảnh");
      const scene = header.indexOf("Ảnh trùng: cùng cảnh, cần xem lại");
      expect(same).toBeGreaterThan(0);
      const flagged = Object.fromEntries(
        results
          .slice(1)
          .filter((r) => r[1])
          .map((r) => [r[1], [r[same], r[scene]]]),
      );
      expect(flagged["Ban Tổ chức Tỉnh ủy"]).toEqual(["0", "0"]);
      expect(flagged["Ban Tuyên giáo Tỉnh ủy"]).toEqual(["1", "0"]);
      expect(flagged["Ban Dân vận Tỉnh ủy"]).toEqual(["0", "1"]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
