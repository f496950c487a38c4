import { describe, expect, it } from "vitest";
import { parseOffsets } from "./offsets.ts";
import {
  catchUpMoment,
  isDueNow,
  scheduleReminder,
  VIETNAM_FIXED_HOLIDAYS,
  type WorkingTime,
} from "./workingTime.ts";

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

describe("a reminder whose moment passed unsent", () => {
  const catchUp = (now: string, deadline: string | null) =>
    catchUpMoment(local(now), deadline ? local(deadline) : null, w)?.toISOString() ?? null;
  const due = (sendAt: string, now: string, deadline: string | null) =>
    isDueNow(local(sendAt), local(now), deadline ? local(deadline) : null, w);

  it("waits out quiet hours: seen at 00:31, it goes at 07:00", () => {
    expect(catchUp("2026-03-03T00:31:00", "2026-03-03T17:00:00")).toBe(
      local("2026-03-03T07:00:00").toISOString(),
    );
    expect(due("2026-03-02T17:00:00", "2026-03-03T00:31:00", "2026-03-03T17:00:00")).toBe(false);
    expect(due("2026-03-02T17:00:00", "2026-03-03T06:59:00", "2026-03-03T17:00:00")).toBe(false);
    expect(due("2026-03-02T17:00:00", "2026-03-03T07:00:00", "2026-03-03T17:00:00")).toBe(true);
  });

  it("goes at once when it is already a working moment", () => {
    expect(due("2026-03-02T07:00:00", "2026-03-03T10:15:00", "2026-03-03T17:00:00")).toBe(true);
    expect(catchUp("2026-03-03T10:15:00", null)).toBe(local("2026-03-03T10:15:00").toISOString());
  });

  it("waits for Monday morning on a weekend, unless the deadline comes first", () => {
    expect(catchUp("2026-03-07T10:00:00", "2026-03-09T17:00:00")).toBe(
      local("2026-03-09T07:00:00").toISOString(),
    );
    // No working moment before a Sunday deadline: Sunday's daytime, still not at night.
    expect(catchUp("2026-03-07T23:00:00", "2026-03-08T17:00:00")).toBe(
      local("2026-03-08T07:00:00").toISOString(),
    );
    expect(catchUp("2026-03-07T10:00:00", "2026-03-08T17:00:00")).toBe(
      local("2026-03-07T10:00:00").toISOString(),
    );
  });

  it("is dropped when nothing but quiet hours is left before the deadline", () => {
    expect(catchUp("2026-03-03T00:30:00", "2026-03-03T06:00:00")).toBeNull();
    expect(due("2026-03-02T20:59:00", "2026-03-03T00:30:00", "2026-03-03T06:00:00")).toBe(false);
  });

  it("still goes from a tick a few minutes late, though quiet hours began meanwhile", () => {
    expect(due("2026-03-02T20:59:00", "2026-03-02T21:01:00", "2026-03-03T06:00:00")).toBe(true);
    expect(due("2026-03-02T20:59:00", "2026-03-02T21:30:00", "2026-03-03T06:00:00")).toBe(false);
  });
});

describe("reminder offsets", () => {
  it("read days, hours and minutes, largest first", () => {
    expect(parseOffsets("2h, 3d,1d")).toEqual([4320, 1440, 120]);
    expect(parseOffsets("4320,1440,120")).toEqual([4320, 1440, 120]);
    expect(parseOffsets("1ngày,30phút")).toEqual([1440, 30]);
    expect(parseOffsets("2 ngày")).toEqual([2880]);
    expect(parseOffsets("2 ngay, 3 Giờ")).toEqual([2880, 180]);
    expect(parseOffsets("1 day 3 hours")).toEqual([1440, 180]);
    expect(parseOffsets("2 tuần")).toBeNull();
    expect(parseOffsets("soon")).toBeNull();
    expect(parseOffsets("0h")).toBeNull();
  });
});
