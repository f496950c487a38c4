import { describe, expect, it } from "vitest";
import { countRound, defaultQuorum, votesNeeded } from "./count.ts";

const tallies = (...votes: number[]) => votes.map((v, i) => ({ candidateId: i + 1, votes: v }));
const base = { eligible: 7, voted: 6, quorum: 5, thresholdPercent: 40, seats: 1 };

describe("counting a round", () => {
  it("needs the threshold's share of the member units, rounded up, and two thirds for the quorum", () => {
    expect(votesNeeded(7, 40)).toBe(3);
    expect(votesNeeded(7, 50)).toBe(4);
    expect(votesNeeded(3, 1)).toBe(1);
    expect(defaultQuorum(7)).toBe(5);
    expect(defaultQuorum(9)).toBe(6);
  });

  it("elects the most voted above the threshold, up to the seats", () => {
    expect(countRound({ ...base, tallies: tallies(4, 2, 0) })).toEqual({
      valid: true,
      needed: 3,
      elected: [1],
      tied: [],
    });
    expect(countRound({ ...base, seats: 2, tallies: tallies(2, 5, 3) }).elected).toEqual([2, 3]);
    expect(countRound({ ...base, tallies: tallies(2, 2, 2) }).elected).toEqual([]);
  });

  it("sends a tie at the last seat to a second round, keeping those above it elected", () => {
    expect(countRound({ ...base, tallies: tallies(3, 3, 0) })).toMatchObject({
      elected: [],
      tied: [1, 2],
    });
    expect(countRound({ ...base, seats: 2, tallies: tallies(5, 3, 3) })).toMatchObject({
      elected: [1],
      tied: [2, 3],
    });
    // Two at the cut for two seats is no tie.
    expect(countRound({ ...base, seats: 2, tallies: tallies(4, 4, 1) })).toMatchObject({
      elected: [1, 2],
      tied: [],
    });
  });

  it("elects nobody without the quorum", () => {
    expect(countRound({ ...base, voted: 4, tallies: tallies(4, 0, 0) })).toEqual({
      valid: false,
      needed: 3,
      elected: [],
      tied: [],
    });
  });
});
