import { DAY, MINUTE } from "../../core/clock.ts";
import { instantFromWallClock, wallClockIn } from "../../i18n/datetime.ts";

/**
 * When officers may be pinged: outside quiet hours, on working days, in the bloc's
 * time zone. Holidays are "MM-DD" (every year) or "YYYY-MM-DD" (one year, for the
 * lunar holidays such as Tết, which move).
 */
export interface WorkingTime {
  timezone: string;
  /** Minutes after midnight when quiet hours start (e.g. 21:00 = 1260). */
  quietStart: number;
  /** Minutes after midnight when they end (e.g. 07:00 = 420). */
  quietEnd: number;
  holidays: ReadonlySet<string>;
}

export { VIETNAM_FIXED_HOLIDAYS } from "../../core/holidays.ts";

const pad = (n: number) => String(n).padStart(2, "0");

export function parseClockTime(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [h, m] = [Number(match[1]), Number(match[2])];
  return h < 24 && m < 60 ? h * 60 + m : null;
}

function isWorkingDay(at: Date, w: WorkingTime): boolean {
  const wall = wallClockIn(at, w.timezone);
  const weekday = new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const md = `${pad(wall.month)}-${pad(wall.day)}`;
  return !w.holidays.has(md) && !w.holidays.has(`${wall.year}-${md}`);
}

function minuteOfDay(at: Date, w: WorkingTime): number {
  const wall = wallClockIn(at, w.timezone);
  return wall.hour * 60 + wall.minute;
}

function isQuiet(at: Date, w: WorkingTime): boolean {
  const m = minuteOfDay(at, w);
  return w.quietStart > w.quietEnd
    ? m >= w.quietStart || m < w.quietEnd
    : m >= w.quietStart && m < w.quietEnd;
}

export function isWorkingMoment(at: Date, w: WorkingTime): boolean {
  return isWorkingDay(at, w) && !isQuiet(at, w);
}

/** The instant of `minutes` after midnight on the day of `at`, `dayShift` days later. */
function onDay(at: Date, dayShift: number, minutes: number, w: WorkingTime): Date {
  const wall = wallClockIn(new Date(at.getTime() + dayShift * DAY), w.timezone);
  return instantFromWallClock(
    { ...wall, hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0 },
    w.timezone,
  );
}

/** The next moment at or after `at` when pinging is allowed. */
export function nextWorkingMoment(at: Date, w: WorkingTime): Date {
  if (isWorkingMoment(at, w)) return at;
  for (let shift = 0; shift < 30; shift++) {
    const morning = onDay(at, shift, w.quietEnd, w);
    if (morning >= at && isWorkingMoment(morning, w)) return morning;
  }
  return at;
}

/** The next moment at or after `at` outside quiet hours, whatever the day. */
function nextOpenMoment(at: Date, w: WorkingTime): Date {
  if (!isQuiet(at, w)) return at;
  const morning = onDay(at, 0, w.quietEnd, w);
  return morning >= at ? morning : onDay(at, 1, w.quietEnd, w);
}

/** The last moment before `limit` when pinging is allowed (the evening before, say). */
export function lastWorkingMomentBefore(limit: Date, w: WorkingTime): Date {
  const justBefore = new Date(limit.getTime() - MINUTE);
  if (isWorkingMoment(justBefore, w)) return justBefore;
  for (let shift = 0; shift > -30; shift--) {
    const evening = new Date(onDay(limit, shift, w.quietStart, w).getTime() - MINUTE);
    if (evening < limit && isWorkingMoment(evening, w)) return evening;
  }
  return justBefore;
}

/**
 * When a reminder planned for `planned` goes out: then, if that is a working moment;
 * else the next working morning, unless that is after `deadline`, in which case the
 * last working moment before the deadline.
 */
export function scheduleReminder(planned: Date, deadline: Date | null, w: WorkingTime): Date {
  const next = nextWorkingMoment(planned, w);
  if (!deadline || next < deadline) return next;
  return lastWorkingMomentBefore(deadline, w);
}

/**
 * How late a tick may run and still send a reminder as planned: the tick is every
 * minute, and one that runs long makes the next skip. Later than this, the reminder
 * is catching up, and catching up waits for a working moment.
 */
export const ON_TIME_WITHIN = 5 * MINUTE;

/**
 * When a reminder whose moment passed unsent (a campaign activated at night, a
 * restart after downtime) may still go out, seen from `now`: at the next working
 * moment; when none is left before the deadline, at the first moment outside quiet
 * hours (a weekend's daytime); null when not even that is left. Quiet hours always hold.
 */
export function catchUpMoment(now: Date, deadline: Date | null, w: WorkingTime): Date | null {
  const working = nextWorkingMoment(now, w);
  if (!deadline || working < deadline) return working;
  const open = nextOpenMoment(now, w);
  return open < deadline ? open : null;
}

/** Whether a reminder scheduled for `sendAt` (by scheduleReminder) goes out `now`. */
export function isDueNow(sendAt: Date, now: Date, deadline: Date | null, w: WorkingTime): boolean {
  if (sendAt > now) return false;
  if (now.getTime() - sendAt.getTime() <= ON_TIME_WITHIN) return true;
  const at = catchUpMoment(now, deadline, w);
  return at !== null && at <= now;
}
