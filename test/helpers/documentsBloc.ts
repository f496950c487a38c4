import { createHash } from "node:crypto";
import type { App } from "../../src/app.ts";
import { DAY } from "../../src/core/clock.ts";

/**
 * A scored campaign whose reports are written straight into the database, for
 * documents made from many units: three criteria (10, 10, 20 × 2), two deadlines a
 * week apart, the late rule "1 point a day". Unit i gets a state by i % 5: scored,
 * scored a day late, awaiting review (its own scores), returned, no report; scored
 * units get `photos` photos on each report.
 */
export async function seedScoredReports(
  app: App,
  blocId: number,
  now: Date,
  options: { title?: string; photos?: number } = {},
): Promise<{ campaignId: number; dues: Date[] }> {
  const db = app.deps.db;
  const at = now.getTime();
  const campaign = await app.services.campaigns.create(
    blocId,
    {
      title: options.title ?? "Cải cách hành chính 2026",
      startsAt: new Date(at - DAY),
      endsAt: new Date(at + 30 * DAY),
      criteria: ["Hồ sơ đúng hạn | 10", "Một cửa | 10", "Chuyển đổi số | 20 | 2"],
      deadlines: [new Date(at + 7 * DAY), new Date(at + 14 * DAY)],
      lateRule: "deduct:1",
    },
    "operator",
  );
  await app.services.campaigns.activate(blocId, campaign.id, "operator");
  const full = await app.services.campaigns.get(blocId, campaign.id);
  const criteria = full.criteriaScale;
  // Any member will do: the ranking reads units, not senders.
  const member = await db.member.findFirstOrThrow();
  const units = await db.unit.findMany({ where: { blocId }, orderBy: { id: "asc" } });
  let photo = 0;
  for (const [i, unit] of units.entries()) {
    const kind = i % 5;
    if (kind === 4) continue;
    for (const deadline of full.deadlines) {
      const late = kind === 1;
      const updatedAt = new Date(deadline.dueAt.getTime() + (late ? DAY / 2 : -DAY));
      const reviewState = kind === 2 ? "AWAITING" : kind === 3 ? "RETURNED" : "SCORED";
      const report = await db.report.create({
        data: {
          unitId: unit.id,
          deadlineId: deadline.id,
          memberId: member.id,
          status: "DONE",
          late,
          reviewState,
          createdAt: updatedAt,
          updatedAt,
        },
      });
      await db.reportScore.createMany({
        data: criteria.map((c, k) => ({
          reportId: report.id,
          criterionId: c.id,
          self: (c.maxScore ?? 0) - (k === 0 ? 1 : 0),
          reviewed: reviewState === "SCORED" ? (c.maxScore ?? 0) - ((i + k) % 4) : null,
        })),
      });
      for (let p = 0; p < (reviewState === "SCORED" ? (options.photos ?? 1) : 0); p++) {
        photo++;
        await db.evidence.create({
          data: {
            reportId: report.id,
            unitId: unit.id,
            memberId: member.id,
            platform: "console",
            platformFileId: `f${photo}`,
            sha256: createHash("sha256").update(`photo ${photo}`).digest("hex"),
            storageKey: `x/${photo}.jpg`,
            size: 1000,
            mimeType: "image/jpeg",
            receivedAt: updatedAt,
          },
        });
      }
    }
  }
  return { campaignId: campaign.id, dues: full.deadlines.map((d) => d.dueAt) };
}
