/*
 * Values read through plain SQL (`$queryRaw`), which the two drivers answer in their
 * own types: SQLite's gives integers as numbers or bigints and dates as the stored ISO
 * text, PostgreSQL's dates as Dates.
 */

export const dateOf = (value: Date | string | number): Date =>
  value instanceof Date ? value : new Date(value);

export const idOrNull = (value: number | bigint | null): number | null =>
  value === null ? null : Number(value);
