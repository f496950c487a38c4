/** "3d,1d,2h" or "4320,1440,120" (minutes) → minutes before the deadline, largest first. */
export function parseOffsets(text: string): number[] | null {
  const parts = text
    .split(/[,\s]+/)
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  if (parts.length === 0 || parts.length > 10) return null;
  const minutes: number[] = [];
  for (const part of parts) {
    const match = /^(\d{1,5})(d|h|m|ngày|giờ|phút)?$/.exec(part);
    if (!match) return null;
    const n = Number(match[1]);
    const unit = match[2] ?? "m";
    const factor = unit === "d" || unit === "ngày" ? 1440 : unit === "h" || unit === "giờ" ? 60 : 1;
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
