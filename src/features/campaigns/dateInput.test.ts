import { describe, expect, it } from "vitest";
import { parseDateInput } from "./dateInput.ts";

const tz = "Asia/Ho_Chi_Minh";
const now = new Date("2022-06-30T03:00:00Z");
const read = (text: string, def: Parameters<typeof parseDateInput>[3] = "officeClose") =>
  parseDateInput(text, tz, now, def)?.toISOString() ?? null;

describe("dates as Vietnamese officers type them", () => {
  it("reads day/month/year with slashes, dashes or dots, in the bloc's time zone", () => {
    expect(read("31/12/2022", "endOfDay")).toBe("2022-12-31T16:59:00.000Z");
    expect(read("31-12-2022", "startOfDay")).toBe("2022-12-30T17:00:00.000Z");
    expect(read("1.7.2022", "startOfDay")).toBe("2022-06-30T17:00:00.000Z");
    expect(read("31/12/22", "startOfDay")).toBe("2022-12-30T17:00:00.000Z");
  });

  it("takes the current year when none is given, and 17:00 for a deadline", () => {
    expect(read("31/12")).toBe("2022-12-31T10:00:00.000Z");
  });

  it("reads a time before or after the date", () => {
    expect(read("31/12 17:30")).toBe("2022-12-31T10:30:00.000Z");
    expect(read("31/12/2022 lúc 8h")).toBe("2022-12-31T01:00:00.000Z");
    expect(read("17h 31/12")).toBe("2022-12-31T10:00:00.000Z");
    expect(read("9g30 ngày 15/7")).toBe("2022-07-15T02:30:00.000Z");
  });

  it("refuses what is not a real date", () => {
    for (const bad of ["31/02/2022", "32/1", "1/13", "tomorrow", "", "31/12 25:00", "2022-12-31"]) {
      expect(read(bad), bad).toBeNull();
    }
  });

  it("reads two-digit years as 20YY and refuses four-digit years outside 2000–2100", () => {
    expect(read("31/12/25")).toBe(read("31/12/2025"));
    expect(read("31/12/2025")).not.toBeNull();
    for (const bad of ["31/12/0025", "1/1/1925", "1/1/2101"]) expect(read(bad), bad).toBeNull();
  });

  it("does not depend on the server's time zone", () => {
    expect(parseDateInput("31/12/2022", "Europe/Berlin", now, "startOfDay")?.toISOString()).toBe(
      "2022-12-30T23:00:00.000Z",
    );
  });
});
