import type { Db } from "../../db/client.ts";
import type { CampaignService, CampaignSummary } from "../campaigns/service.ts";
import type { CampaignRanking, RankingService } from "../review/ranking.ts";
import { endsWithin, type Period } from "./period.ts";
import {
  type BallotRecord,
  ballotRecordSchema,
  type RegistrationRecord,
  registrationRecordSchema,
} from "./records.ts";
import type { YearFacts } from "./yearFacts.ts";

/** A campaign's reports as the báo cáo counts them. */
export interface ReportCounts {
  campaignId: number;
  title: string;
  deadlines: number;
  reports: number;
  onTime: number;
  late: number;
  returned: number;
  awaiting: number;
  photos: number;
}

export interface EvidenceLine {
  unit: string;
  campaign: string;
  dueAt: Date;
  receivedAt: Date;
  sha256: string;
}

/** The period's overall order: the ranking's year (or half), its figures untouched. */
export type OverallRanking = Awaited<ReturnType<RankingService["year"]>>;

/** Everything a pack is made of, read once. */
export interface PackFacts {
  bloc: { id: number; name: string; timezone: string };
  period: Period;
  /** The year the period belongs to. */
  year: number;
  campaigns: CampaignSummary[];
  /** The scored campaigns' rankings, as /ranking and `admin ranking` give them. */
  rankings: CampaignRanking[];
  overall: OverallRanking | null;
  counts: ReportCounts[];
  evidence: EvidenceLine[];
  ballots: BallotRecord[];
  registrations: RegistrationRecord[];
  madeAt: Date;
}

const isScored = (c: CampaignSummary) => c.criteriaScale.some((x) => x.maxScore !== null);

export async function gatherFacts(
  deps: { db: Db; campaigns: CampaignService; ranking: RankingService; yearFacts: YearFacts },
  blocId: number,
  period: Period,
  now: Date,
): Promise<PackFacts> {
  const bloc = await deps.db.bloc.findUniqueOrThrow({
    where: { id: blocId },
    select: { id: true, name: true, timezone: true },
  });
  const campaigns =
    period.kind === "campaign"
      ? [await deps.campaigns.get(blocId, period.campaignId)]
      : (await deps.campaigns.list(blocId, ["ACTIVE", "CLOSED"])).filter((c) =>
          endsWithin(period, c.endsAt, c.id),
        );
  campaigns.sort((a, b) => a.endsAt.getTime() - b.endsAt.getTime() || a.id - b.id);
  const year =
    period.kind === "campaign" ? (campaigns[0]?.endsAt.getUTCFullYear() ?? 0) : period.year;
  const rankings = await Promise.all(
    campaigns.filter(isScored).map((c) => deps.ranking.campaign(blocId, c.id)),
  );
  const overall =
    period.kind === "campaign"
      ? null
      : await deps.ranking.year(blocId, period.year, (c) => endsWithin(period, c.endsAt, c.id));
  const counts: ReportCounts[] = [];
  const evidence: EvidenceLine[] = [];
  for (const campaign of campaigns) {
    const reports = await deps.db.report.findMany({
      where: { deadline: { campaignId: campaign.id } },
      select: { late: true, reviewState: true, _count: { select: { evidence: true } } },
    });
    counts.push({
      campaignId: campaign.id,
      title: campaign.title,
      deadlines: campaign.deadlines.length,
      reports: reports.length,
      onTime: reports.filter((r) => !r.late && r.reviewState !== "RETURNED").length,
      late: reports.filter((r) => r.late && r.reviewState !== "RETURNED").length,
      returned: reports.filter((r) => r.reviewState === "RETURNED").length,
      awaiting: reports.filter((r) => r.reviewState === "AWAITING").length,
      photos: reports.reduce((s, r) => s + r._count.evidence, 0),
    });
    const photos = await deps.db.evidence.findMany({
      where: { report: { deadline: { campaignId: campaign.id } } },
      orderBy: { id: "asc" },
      select: {
        sha256: true,
        receivedAt: true,
        unit: { select: { name: true } },
        report: { select: { deadline: { select: { dueAt: true } } } },
      },
    });
    for (const p of photos) {
      evidence.push({
        unit: p.unit.name,
        campaign: campaign.title,
        dueAt: p.report.deadline.dueAt,
        receivedAt: p.receivedAt,
        sha256: p.sha256,
      });
    }
  }
  // Zod at the edge: whatever the ballot and registration features hand over is checked.
  const [ballots, registrations] = await Promise.all([
    deps.yearFacts.ballots(blocId, period).then((b) => ballotRecordSchema.array().parse(b)),
    deps.yearFacts
      .registrations(blocId, year)
      .then((r) => registrationRecordSchema.array().parse(r)),
  ]);
  return {
    bloc,
    period,
    year,
    campaigns,
    rankings,
    overall,
    counts,
    evidence,
    ballots,
    registrations,
    madeAt: now,
  };
}
