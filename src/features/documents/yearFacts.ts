import { provides as ballotServices } from "../ballot/provides.ts";
import { provides as registrationServices } from "../registration/provides.ts";
import type { ServiceDeps } from "../serviceDeps.ts";
import type { Period } from "./period.ts";
import type { BallotRecord, RegistrationRecord } from "./records.ts";

/*
 * The one place where the documents learn of ballots and registrations: the ballot's
 * counted rounds and the year's registrations, read from their own services and turned
 * into the plain records the meeting record, the proposal and the pledge list are made
 * from (records.ts). The documents never read those features' tables.
 */

export interface YearFacts {
  /** Closed ballots of the period, in order of closing. */
  ballots(blocId: number, period: Period): Promise<BallotRecord[]>;
  /** The registrations (đăng ký thi đua) of the period's year. */
  registrations(blocId: number, year: number): Promise<RegistrationRecord[]>;
}

export const noYearFacts: YearFacts = {
  ballots: async () => [],
  registrations: async () => [],
};

const STATE = {
  AWAITING: "submitted",
  APPROVED: "accepted",
  RETURNED: "returned",
  NONE: "draft",
} as const;

/** Whether a round counted at `closedAt` belongs to the period (a campaign: its year). */
function inPeriod(closedAt: Date, period: Period, campaignYear: number | null): boolean {
  const year = closedAt.getUTCFullYear();
  if (period.kind === "year") return year === period.year;
  if (period.kind === "half") {
    const half = closedAt.getUTCMonth() < 6 ? 1 : 2;
    return year === period.year && half === period.half;
  }
  return campaignYear !== null && year === campaignYear;
}

/** The facts of the process's ballots and registrations, over the same infrastructure. */
export function yearFactsOf(deps: ServiceDeps): YearFacts {
  const { ballots } = ballotServices(deps);
  const { registrations } = registrationServices(deps);
  return {
    async ballots(blocId, period) {
      const campaignYear =
        period.kind === "campaign"
          ? ((
              await deps.db.campaign.findFirst({
                where: { id: period.campaignId, blocId },
                select: { endsAt: true },
              })
            )?.endsAt.getUTCFullYear() ?? null)
          : null;
      const rounds = await ballots.results(blocId);
      return rounds
        .filter((r) => inPeriod(r.closedAt, period, campaignYear))
        .sort((a, b) => a.closedAt.getTime() - b.closedAt.getTime())
        .map((r) => ({
          question: r.question,
          round: r.round,
          candidates: r.candidates.map((c) => ({ unit: c.unitName, votes: c.votes })),
          eligible: r.eligible,
          voted: r.voted,
          quorum: r.eligible > 0 ? Math.min(1, r.quorum / r.eligible) : 0,
          threshold: r.thresholdPercent / 100,
          elected: r.valid ? r.elected.map((u) => u.unitName) : [],
          closedAt: r.closedAt,
          valid: r.valid,
          award: "co_thi_dua" as const,
        }));
    },
    async registrations(blocId, year) {
      const records = await registrations.records(blocId, year);
      // No registration was opened that year: nobody registered, rather than all "not submitted".
      if (records.every((r) => r.state === "NONE")) return [];
      return records.map((r) => ({
        unit: r.unitName,
        titles: r.titles,
        commitments: r.commitments,
        state: STATE[r.state],
        late: r.late,
        submittedAt: r.submittedAt,
      }));
    },
  };
}
