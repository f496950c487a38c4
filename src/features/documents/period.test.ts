import { describe, expect, it } from "vitest";
import { endsWithin, parsePeriod, periodArgs } from "./period.ts";

describe("a pack's period", () => {
  it("reads what the chat, the buttons and the CLI pass, and names it back", () => {
    expect(parsePeriod("2026")).toEqual({ kind: "year", year: 2026 });
    expect(parsePeriod(" Năm 2026 ")).toEqual({ kind: "year", year: 2026 });
    expect(parsePeriod("6t 2026")).toEqual({ kind: "half", year: 2026, half: 1 });
    expect(parsePeriod("h2 2026")).toEqual({ kind: "half", year: 2026, half: 2 });
    expect(parsePeriod("sơ kết 2026")).toEqual({ kind: "half", year: 2026, half: 1 });
    expect(parsePeriod("c7")).toEqual({ kind: "campaign", campaignId: 7 });
    expect(parsePeriod("#7")).toEqual({ kind: "campaign", campaignId: 7 });
    for (const p of [
      { kind: "year", year: 2026 },
      { kind: "half", year: 2026, half: 2 },
      { kind: "campaign", campaignId: 12 },
    ] as const) {
      expect(parsePeriod(periodArgs(p))).toEqual(p);
      // A button's data carries it with spaces as "_" (commandChoice).
      expect(periodArgs(p)).toMatch(/^[A-Za-z0-9 -]+$/);
    }
  });

  it("refuses what is not a period", () => {
    for (const text of ["", "năm ngoái", "1999", "3000", "h3 2026", "c", "2026 2027"]) {
      expect(parsePeriod(text), text).toBeNull();
    }
  });

  it("puts a campaign in the half in which it ends", () => {
    const june = new Date("2026-06-30T10:00:00Z");
    const july = new Date("2026-07-01T10:00:00Z");
    expect(endsWithin({ kind: "half", year: 2026, half: 1 }, june, 1)).toBe(true);
    expect(endsWithin({ kind: "half", year: 2026, half: 1 }, july, 1)).toBe(false);
    expect(endsWithin({ kind: "half", year: 2026, half: 2 }, july, 1)).toBe(true);
    expect(endsWithin({ kind: "year", year: 2027 }, july, 1)).toBe(false);
    expect(endsWithin({ kind: "campaign", campaignId: 1 }, july, 1)).toBe(true);
  });
});
