import { instantFromWallClock, wallClockIn } from "../../i18n/datetime.ts";

/** The time of day a date means when the user types none. */
export type DefaultTime = "startOfDay" | "endOfDay" | "officeClose";

const DEFAULT_TIMES: Record<DefaultTime, [number, number]> = {
  startOfDay: [0, 0],
  endOfDay: [23, 59],
  // A report deadline without a time means the end of the office day.
  officeClose: [17, 0],
};

const DATE = /(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?/;
const TIME = /(\d{1,2})(?:[:hg](\d{2})?)/;
const DATE_THEN_TIME = new RegExp(`^${DATE.source}(?:\\s+(?:lúc\\s+)?${TIME.source})?$`, "i");
const TIME_THEN_DATE = new RegExp(`^${TIME.source}\\s+(?:ngày\\s+)?${DATE.source}$`, "i");

/**
 * Reads a date as Vietnamese users type it: 31/12/2022, 31-12-2022, 31/12,
 * 31/12 17:00, 17h 31/12. Wall-clock times are in `timeZone`; a missing year is
 * the current one there. Answers null when the text is not a real date.
 */
export function parseDateInput(
  input: string,
  timeZone: string,
  now: Date,
  defaultTime: DefaultTime,
): Date | null {
  const text = input.trim().replace(/\s+/g, " ");
  let day: string | undefined;
  let month: string | undefined;
  let year: string | undefined;
  let hour: string | undefined;
  let minute: string | undefined;
  const dateFirst = DATE_THEN_TIME.exec(text);
  const timeFirst = dateFirst ? null : TIME_THEN_DATE.exec(text);
  if (dateFirst) [, day, month, year, hour, minute] = dateFirst;
  else if (timeFirst) [, hour, minute, day, month, year] = timeFirst;
  else return null;

  // "0025" is a slip of the keyboard, not the year 25 (or 1925): years are 2000–2100.
  if (year?.length === 4 && (Number(year) < 2000 || Number(year) > 2100)) return null;
  const [defaultHour, defaultMinute] = DEFAULT_TIMES[defaultTime];
  const wall = {
    year: year
      ? year.length === 2
        ? 2000 + Number(year)
        : Number(year)
      : wallClockIn(now, timeZone).year,
    month: Number(month),
    day: Number(day),
    hour: hour === undefined ? defaultHour : Number(hour),
    minute: hour === undefined ? defaultMinute : Number(minute ?? 0),
  };
  if (wall.hour > 23 || wall.minute > 59 || wall.month < 1 || wall.month > 12 || wall.day < 1) {
    return null;
  }
  const instant = instantFromWallClock(wall, timeZone);
  // 31/02 rolls over to March: a date that does not read back the same is not real.
  const back = wallClockIn(instant, timeZone);
  return back.day === wall.day && back.month === wall.month ? instant : null;
}
