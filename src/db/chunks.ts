/**
 * Runs a lookup over many values a slice at a time: an `IN (…)` list of thousands
 * of values passes the database's parameter limit (a 5,000-unit reminder fan-out did).
 */
export async function inSlices<V, R>(
  values: V[],
  lookup: (slice: V[]) => Promise<R[]>,
  size = 500,
): Promise<R[]> {
  const results: R[] = [];
  for (let from = 0; from < values.length; from += size) {
    results.push(...(await lookup(values.slice(from, from + size))));
  }
  return results;
}
