import type { ServiceDeps } from "../serviceDeps.ts";
import type { Period } from "./period.ts";
import type { BallotRecord, RegistrationRecord } from "./records.ts";

/*
 * The one place where the documents learn of ballots and registrations. Neither
 * exists on this branch: the meeting record then says no ballot was held, the
 * proposal is not offered and the pledge list says nobody registered. When the ballot
 * and registration services land, this file alone changes: read their rows for the
 * bloc and period and map them to BallotRecord / RegistrationRecord.
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

/**
 * The facts the process has: none yet (see above). It gets the process's
 * infrastructure so that reading the ballot and registration services needs no other
 * file changed.
 */
export const yearFactsOf = (_deps: ServiceDeps): YearFacts => noYearFacts;
