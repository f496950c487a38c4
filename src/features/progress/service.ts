import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../db/client.ts";
import { countedUnits } from "../../services/activeUnits.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import type { ReportStatus } from "../reports/schema.ts";
import { type CampaignGrid, campaignGrid } from "./grid.ts";

export interface DeadlineProgress {
  deadlineId: number;
  dueAt: Date;
  units: number;
  done: number;
  inProgress: number;
  notStarted: number;
  missing: number;
  late: number;
  missingUnits: string[];
}

/** Who has reported what, per deadline, for the lead. Two queries per campaign. */
export class ProgressService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Units × deadlines with each cell's state and photo count, and arrivals per day. */
  grid(campaign: CampaignSummary, timezone: string): Promise<CampaignGrid> {
    return campaignGrid(this.db, campaign, timezone, this.clock.now());
  }

  /** Per deadline (all of the campaign's, or `only` these), who has reported what. */
  async forCampaign(
    campaign: CampaignSummary,
    only: { id: number; dueAt: Date }[] = campaign.deadlines,
  ): Promise<DeadlineProgress[]> {
    const [allUnits, reports] = await Promise.all([
      this.db.unit.findMany({ where: { blocId: campaign.blocId }, orderBy: { id: "asc" } }),
      this.db.report.findMany({
        where:
          only.length === campaign.deadlines.length
            ? { deadline: { campaignId: campaign.id } }
            : { deadlineId: { in: only.map((d) => d.id) } },
        select: { deadlineId: true, unitId: true, status: true, late: true },
      }),
    ]);
    // Reports grouped once by deadline: a year of weekly deadlines stays linear.
    const byDeadline = new Map<number, typeof reports>();
    for (const r of reports) {
      const list = byDeadline.get(r.deadlineId);
      if (list) list.push(r);
      else byDeadline.set(r.deadlineId, [r]);
    }
    return only.map((deadline) => {
      const byUnit = new Map((byDeadline.get(deadline.id) ?? []).map((r) => [r.unitId, r]));
      const units = countedUnits(allUnits, new Set(byUnit.keys()));
      const count = (status: ReportStatus) =>
        [...byUnit.values()].filter((r) => r.status === status).length;
      const missingUnits = units.filter((u) => !byUnit.has(u.id)).map((u) => u.name);
      return {
        deadlineId: deadline.id,
        dueAt: deadline.dueAt,
        units: units.length,
        done: count("DONE"),
        inProgress: count("IN_PROGRESS"),
        notStarted: count("NOT_STARTED"),
        missing: missingUnits.length,
        late: [...byUnit.values()].filter((r) => r.late).length,
        missingUnits,
      };
    });
  }
}
