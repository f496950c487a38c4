import { describe, expect, it } from "vitest";
import { parseOffsets } from "./offsets.ts";
import { scheduleReminder, VIETNAM_FIXED_HOLIDAYS, type WorkingTime } from "./workingTime.ts";

const w: WorkingTime = {
  timezone: "Asia/Ho_Chi_Minh",
  quietStart: 21 * 60,
  quietEnd: 7 * 60,
  holidays: new Set([...VIETNAM_FIXED_HOLIDAYS, "2026-02-17"]),
};
/** Local Hanoi time → instant. */
const local = (iso: string) => new Date(`${iso}+07:00`);
const at = (planned: string, deadline: string | null) =>
  scheduleReminder(local(planned), deadline ? local(deadline) : null, w).toISOString();

describe("when a reminder may go out", () => {
  it("goes at the planned time on a working day outside quiet hours", () => {
    expect(at("2026-03-06T17:00:00", "2026-03-09T17:00:00")).toBe(
      local("2026-03-06T17:00:00").toISOString(),
    );
  });

  it("moves out of quiet hours to the next working morning", () => {
    expect(at("2026-03-05T22:30:00", "2026-03-09T17:00:00")).toBe(
      local("2026-03-06T07:00:00").toISOString(),
    );
    expect(at("2026-03-06T05:00:00", "2026-03-09T17:00:00")).toBe(
      local("2026-03-06T07:00:00").toISOString(),
    );
  });

  it("moves off a weekend, a fixed holiday and a lunar holiday of the list", () => {
    expect(at("2026-03-08T17:00:00", "2026-03-09T17:00:00")).toBe(
      local("2026-03-09T07:00:00").toISOString(),
    );
    expect(at("2026-04-30T10:00:00", "2026-05-08T17:00:00")).toBe(
      local("2026-05-04T07:00:00").toISOString(),
    );
    expect(at("2026-02-17T10:00:00", "2026-02-20T17:00:00")).toBe(
      local("2026-02-18T07:00:00").toISOString(),
    );
  });

  it("is sent at the last working moment before the deadline when the next morning is too late", () => {
    // Planned on Sunday for a Monday 06:00 deadline: Friday evening, not Monday 07:00.
    expect(at("2026-03-08T06:00:00", "2026-03-09T06:00:00")).toBe(
      local("2026-03-06T20:59:00").toISOString(),
    );
  });
});

describe("reminder offsets", () => {
  it("read days, hours and minutes, largest first", () => {
    expect(parseOffsets("2h, 3d,1d")).toEqual([4320, 1440, 120]);
    expect(parseOffsets("4320,1440,120")).toEqual([4320, 1440, 120]);
    expect(parseOffsets("1ngày,30phút")).toEqual([1440, 30]);
    expect(parseOffsets("soon")).toBeNull();
    expect(parseOffsets("0h")).toBeNull();
  });
});
