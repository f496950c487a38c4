import type { Translate } from "./translator.ts";

/** "2 ngày 3 giờ", "45 phút": the two largest units, for "how long until". */
export function formatDuration(ms: number, t: Translate): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts: string[] = [];
  if (days) parts.push(t("common:days", { count: days }));
  if (hours) parts.push(t("common:hours", { count: hours }));
  if (!days && (mins || parts.length === 0)) parts.push(t("common:minutes", { count: mins }));
  return parts.slice(0, 2).join(" ");
}
