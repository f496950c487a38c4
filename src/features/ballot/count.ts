/*
 * The rules of a count, in one place: the quorum (đủ số đơn vị tham gia), the threshold a
 * candidate's votes must reach (a share of the member units, stated on the ballot), the
 * seats (as many as a voter may choose) and the tie at the last seat, which a second
 * round among the tied decides.
 */

/** Votes needed to be elected: the threshold's share of the member units, rounded up. */
export const votesNeeded = (eligible: number, thresholdPercent: number) =>
  Math.max(1, Math.ceil((eligible * thresholdPercent) / 100));

/** The default quorum: two thirds of the member units, rounded up. */
export const defaultQuorum = (eligible: number) => Math.ceil((eligible * 2) / 3);

export interface Tally {
  candidateId: number;
  votes: number;
}

export interface CountOutcome {
  valid: boolean;
  needed: number;
  /** Elected in this round, most votes first. */
  elected: number[];
  /** Tied at the last seat with the votes needed: a second round among them fills what is left. */
  tied: number[];
}

export function countRound(input: {
  tallies: Tally[];
  eligible: number;
  voted: number;
  quorum: number;
  thresholdPercent: number;
  seats: number;
}): CountOutcome {
  const needed = votesNeeded(input.eligible, input.thresholdPercent);
  const valid = input.voted >= input.quorum;
  if (!valid) return { valid, needed, elected: [], tied: [] };
  const reaching = input.tallies
    .filter((t) => t.votes >= needed)
    .sort((a, b) => b.votes - a.votes || a.candidateId - b.candidateId);
  if (reaching.length <= input.seats) {
    return { valid, needed, elected: reaching.map((t) => t.candidateId), tied: [] };
  }
  // More reach the threshold than there are seats: the last seat's votes decide, unless shared.
  const cut = reaching[input.seats - 1]?.votes ?? 0;
  const above = reaching.filter((t) => t.votes > cut).map((t) => t.candidateId);
  const atCut = reaching.filter((t) => t.votes === cut).map((t) => t.candidateId);
  if (above.length + atCut.length === input.seats) {
    return { valid, needed, elected: [...above, ...atCut], tied: [] };
  }
  return { valid, needed, elected: above, tied: atCut };
}
