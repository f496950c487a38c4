import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/helpers/testApp.ts";
import { seedDemoBloc } from "../blocs/demo.ts";
import { FingerprintIndex } from "./fingerprintIndex.ts";

/*
 * The bloc's hashes in memory, on a real database: read once, then what was added
 * since, including a photo another process committed after a later id was read.
 */

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
  await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
});
afterEach(() => t.close());

const A = { phash: "f0f0f0f0f0f0f0f0", dhash: "0123456789abcdef" };

async function photo(
  id: number,
  fields: { phash: string; dhash: string; flat?: boolean },
  unitId = 2,
) {
  const db = t.app.deps.db;
  const deadline = await db.deadline.findFirstOrThrow();
  const member = await db.member.findFirstOrThrow();
  const report = await db.report.upsert({
    where: { unitId_deadlineId: { unitId, deadlineId: deadline.id } },
    create: { unitId, deadlineId: deadline.id, memberId: member.id, status: "DONE" },
    update: {},
  });
  await db.evidence.create({
    data: {
      id,
      reportId: report.id,
      unitId,
      memberId: member.id,
      platform: "console",
      platformFileId: `f${id}`,
      sha256: `${id}`.padStart(64, "0"),
      storageKey: `k${id}`,
      size: 1,
      mimeType: "image/jpeg",
      phash: fields.phash,
      phashMirror: fields.phash,
      dhash: fields.dhash,
      phashFlat: fields.flat ?? false,
    },
  });
}

const print = (phash: string, dhash = A.dhash) => ({
  phash,
  phashMirror: "0000000000000000",
  dhash,
  dhashMirror: "0000000000000000",
});

describe("the fingerprint index", () => {
  it("finds the bloc's photos within the bands, never a flat one or the photo itself", async () => {
    await photo(1, A);
    await photo(2, { phash: "f0f0f0f0f0f0f0f1", dhash: A.dhash }, 4);
    await photo(3, { phash: A.phash, dhash: A.dhash, flat: true });
    await photo(4, { phash: "0f0f0f0f0f0f0f0f", dhash: A.dhash });
    const index = new FingerprintIndex(t.app.deps.db);
    await index.refresh();
    expect(index.size()).toBe(3);
    expect(index.similar(1, print(A.phash), 1)).toEqual([
      { evidenceId: 2, unitId: 4, distance: 1, mirrored: false },
    ]);
    // 16 bits apart on the pHash: "same scene" only while the dHash agrees.
    const scene = `0f0f${A.phash.slice(4)}`;
    expect(index.similar(1, print(scene)).map((r) => [r.evidenceId, r.distance])).toEqual([
      [1, 16],
      [2, 17],
    ]);
    expect(index.similar(1, print("0f0ff0f0f0f0f0f0", "fedcba9876543210"))).toEqual([]);
    // Mirrored: the filed photo's mirror hash matches.
    expect(index.similar(1, { ...print("5555555555555555"), phashMirror: A.phash })).toMatchObject([
      { evidenceId: 1, mirrored: true },
      { evidenceId: 2, mirrored: true },
    ]);
    // Another bloc sees none of them.
    expect(index.similar(2, print(A.phash))).toEqual([]);
  });

  it("reads a photo committed late, after a later one was read", async () => {
    await photo(1, A);
    const index = new FingerprintIndex(t.app.deps.db);
    await index.refresh();
    await photo(3, A);
    await index.refresh();
    expect(index.size()).toBe(2);
    // Id 2 was still in another process's transaction: it is looked for again.
    await photo(2, A);
    await index.refresh();
    expect(index.similar(1, print(A.phash)).map((r) => r.evidenceId)).toEqual([1, 2, 3]);
    await index.refresh();
    expect(index.size()).toBe(3);
  });
});
