/**
 * The units a count is made over: every unit still taking part, and a retired one
 * only where it had reported (its reports are history; its absence is not news).
 */
export function countedUnits<T extends { id: number; retiredAt: Date | null }>(
  units: T[],
  reported: ReadonlySet<number>,
): T[] {
  return units.filter((u) => u.retiredAt === null || reported.has(u.id));
}
