/** A closed round, typed for the meeting's record (biên bản … kết quả bỏ phiếu kín). */
export interface BallotResult {
  ballotId: number;
  question: string;
  round: number;
  /** In the ballot's order, with their votes. */
  candidates: { unitId: number; unitName: string; votes: number }[];
  choose: number;
  eligible: number;
  voted: number;
  quorum: number;
  thresholdPercent: number;
  needed: number;
  /** The quorum was met: a round closed without it is kept, not valid, and elects nobody. */
  valid: boolean;
  /** Elected so far over every round, in order of election. */
  elected: { unitId: number; unitName: string }[];
  /** Tied at the last seat: a second round among them can be opened. */
  tied: { unitId: number; unitName: string }[];
  closedAt: Date;
}
