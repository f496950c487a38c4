/** Minutes in each unit people type: "d", "ngày"/"ngay", "days"; "h", "giờ"; "m", "phút". */
const UNIT_MINUTES: Record<string, number> = {
  d: 1440,
  day: 1440,
  days: 1440,
  ngay: 1440,
  h: 60,
  hour: 60,
  hours: 60,
  gio: 60,
  tieng: 60,
  m: 1,
  min: 1,
  mins: 1,
  phut: 1,
};

/** Lower case without accents: "Ngày" and "ngay" are the same word on a phone. */
const fold = (text: string) =>
  text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/gi, "d")
    .toLowerCase();

/**
 * "3d,1d,2h", "2 ngày, 3 giờ" or "4320,1440,120" (minutes) → minutes before the
 * deadline, largest first; null when any part is not a number with a known unit.
 */
export function parseOffsets(text: string): number[] | null {
  // "2 ngày" is one offset: the unit word joins the number before the list is split.
  const parts = fold(text)
    .replace(/(\d)\s+([a-z]+)/g, "$1$2")
    .split(/[,;\s]+/)
    .filter(Boolean);
  if (parts.length === 0 || parts.length > 10) return null;
  const minutes: number[] = [];
  for (const part of parts) {
    const match = /^(\d{1,6})([a-z]*)$/.exec(part);
    const factor = match ? (match[2] ? UNIT_MINUTES[match[2]] : 1) : undefined;
    if (!match || factor === undefined) return null;
    const n = Number(match[1]);
    if (n === 0) return null;
    minutes.push(n * factor);
  }
  return [...new Set(minutes)].sort((a, b) => b - a);
}

export function formatOffsets(minutes: number[]): string {
  return minutes
    .map((m) => (m % 1440 === 0 ? `${m / 1440}d` : m % 60 === 0 ? `${m / 60}h` : `${m}m`))
    .join(",");
}
