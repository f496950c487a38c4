/*
 * Dates shown to users are in the bloc's time zone and Vietnamese format
 * (dd/MM/yyyy HH:mm), whatever the server's TZ.
 */

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading of `date` in `timeZone`. */
export function wallClockIn(date: Date, timeZone: string): WallClock {
  const parts = Object.fromEntries(
    partsFormatter(timeZone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The instant at which the wall clock in `timeZone` shows the given reading. */
export function instantFromWallClock(
  wall: Omit<WallClock, "second"> & { second?: number },
  timeZone: string,
): Date {
  const asUtc = Date.UTC(
    wall.year,
    wall.month - 1,
    wall.day,
    wall.hour,
    wall.minute,
    wall.second ?? 0,
  );
  // Two passes settle the offset even on a DST change day.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const seen = wallClockIn(new Date(guess), timeZone);
    const seenUtc = Date.UTC(
      seen.year,
      seen.month - 1,
      seen.day,
      seen.hour,
      seen.minute,
      seen.second,
    );
    guess += asUtc - seenUtc;
  }
  return new Date(guess);
}

const pad = (n: number) => String(n).padStart(2, "0");

export function formatDate(date: Date, timeZone: string): string {
  const w = wallClockIn(date, timeZone);
  return `${pad(w.day)}/${pad(w.month)}/${w.year}`;
}

export function formatDateTime(date: Date, timeZone: string): string {
  const w = wallClockIn(date, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)} ${pad(w.day)}/${pad(w.month)}/${w.year}`;
}
