import type { Db } from "../../db/client.ts";
import { votesNeeded } from "./count.ts";

export type BallotStatus = "OPEN" | "CLOSED";

/** A ballot as the lead and the voters see it before closing: who has voted, never what. */
export interface BallotView {
  id: number;
  blocId: number;
  question: string;
  round: number;
  status: BallotStatus;
  candidates: { unitId: number; unitName: string }[];
  choose: number;
  quorum: number;
  thresholdPercent: number;
  needed: number;
  closesAt: Date;
  electorate: { unitId: number; unitName: string; voted: boolean }[];
  voted: number;
  eligible: number;
}

export interface OpenBallot {
  question: string;
  candidates: number[];
  choose: number;
  closesAt: Date;
  quorum?: number;
}

/** The units of a bloc, retired ones too (a ballot names those it was opened with). */
export function ballotUnits(tx: Pick<Db, "unit">, blocId: number) {
  return tx.unit.findMany({
    where: { blocId },
    select: { id: true, name: true, retiredAt: true },
    orderBy: { id: "asc" },
  });
}

/** A list of unit ids as the ballot row keeps it. */
export const ids = (json: string) => JSON.parse(json) as number[];

/** A ballot as stored, with who has voted in its current round (never what). */
export async function loadBallotView(
  tx: Pick<Db, "ballot" | "unit" | "ballotVoter">,
  ballotId: number,
): Promise<BallotView> {
  const row = await tx.ballot.findUniqueOrThrow({ where: { id: ballotId } });
  const [units, voters] = await Promise.all([
    ballotUnits(tx, row.blocId),
    tx.ballotVoter.findMany({
      where: { ballotId, round: row.round },
      select: { unitId: true },
    }),
  ]);
  const name = new Map(units.map((u) => [u.id, u.name]));
  const voted = new Set(voters.map((v) => v.unitId));
  const electorate = ids(row.electorate).map((unitId) => ({
    unitId,
    unitName: name.get(unitId) ?? `#${unitId}`,
    voted: voted.has(unitId),
  }));
  return {
    id: row.id,
    blocId: row.blocId,
    question: row.question,
    round: row.round,
    status: row.status as BallotStatus,
    candidates: ids(row.candidates).map((unitId) => ({
      unitId,
      unitName: name.get(unitId) ?? `#${unitId}`,
    })),
    choose: row.choose,
    quorum: row.quorum,
    thresholdPercent: row.thresholdPercent,
    needed: votesNeeded(electorate.length, row.thresholdPercent),
    closesAt: row.closesAt,
    electorate,
    voted: electorate.filter((e) => e.voted).length,
    eligible: electorate.length,
  } satisfies BallotView;
}
