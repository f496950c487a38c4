import type { Db } from "../../db/client.ts";
import { wallClockIn } from "../../i18n/datetime.ts";
import { countedUnits } from "../../services/activeUnits.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import type { ReportStatus } from "../reports/schema.ts";

/** One cell of the heatmap: a unit's report for a deadline, or its absence. */
export interface GridCell {
  state: ReportStatus | "MISSING" | "MISSING_OVERDUE";
  late: boolean;
  photos: number;
  /** AWAITING | APPROVED | RETURNED | SCORED; null where no report exists. */
  review: string | null;
}

export interface CampaignGrid {
  units: { id: number; name: string }[];
  deadlines: { id: number; dueAt: Date }[];
  /** cells.get(`${unitId}:${deadlineId}`) */
  cells: Map<string, GridCell>;
  /** First submissions per local day before each deadline: [day "YYYY-MM-DD", count][]. */
  arrivals: Map<number, [string, number][]>;
}

/**
 * Units × deadlines for the dashboard's heatmap and arrival chart: two queries, then
 * maps (no scan inside a loop). The grid covers `campaign.deadlines`: the dashboard
 * passes one page of them, so the reports read are bounded by the page, not by the
 * campaign (a range of due dates: a fixed number of parameters whatever the page).
 */
export async function campaignGrid(
  db: Db,
  campaign: CampaignSummary,
  timezone: string,
  now: Date,
): Promise<CampaignGrid> {
  const [allUnits, reports] = await Promise.all([
    db.unit.findMany({
      where: { blocId: campaign.blocId },
      select: { id: true, name: true, retiredAt: true },
      orderBy: { id: "asc" },
    }),
    db.report.findMany({
      where: {
        deadline: {
          campaignId: campaign.id,
          dueAt: {
            gte: campaign.deadlines[0]?.dueAt ?? new Date(0),
            lte: campaign.deadlines.at(-1)?.dueAt ?? new Date(0),
          },
        },
      },
      select: {
        unitId: true,
        deadlineId: true,
        status: true,
        late: true,
        reviewState: true,
        createdAt: true,
        _count: { select: { evidence: true } },
      },
    }),
  ]);
  const units = countedUnits(allUnits, new Set(reports.map((r) => r.unitId)));
  const cells = new Map<string, GridCell>();
  const days = new Map<number, Map<string, number>>();
  for (const r of reports) {
    cells.set(`${r.unitId}:${r.deadlineId}`, {
      state: r.status as ReportStatus,
      late: r.late,
      photos: r._count.evidence,
      review: r.reviewState,
    });
    const local = wallClockIn(r.createdAt, timezone);
    const day = `${local.year}-${pad(local.month)}-${pad(local.day)}`;
    const perDay = days.get(r.deadlineId) ?? new Map<string, number>();
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    days.set(r.deadlineId, perDay);
  }
  for (const unit of units) {
    for (const deadline of campaign.deadlines) {
      const key = `${unit.id}:${deadline.id}`;
      if (!cells.has(key)) {
        cells.set(key, {
          state: deadline.dueAt < now ? "MISSING_OVERDUE" : "MISSING",
          late: false,
          photos: 0,
          review: null,
        });
      }
    }
  }
  const arrivals = new Map(
    [...days].map(([deadlineId, perDay]) => [
      deadlineId,
      [...perDay].sort(([a], [b]) => a.localeCompare(b)),
    ]),
  );
  return {
    units,
    deadlines: campaign.deadlines.map((d) => ({ id: d.id, dueAt: d.dueAt })),
    cells,
    arrivals,
  };
}

const pad = (n: number) => String(n).padStart(2, "0");
