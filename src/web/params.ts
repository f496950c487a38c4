import type { Context } from "hono";
import { AppError } from "../core/errors.ts";

/** A row's id in the address: a positive integer, or the page answers "not found". */
export function idParam(c: Context, name = "id"): number {
  const id = Number(c.req.param(name));
  if (!Number.isInteger(id) || id <= 0) throw new AppError("not_found");
  return id;
}

/** The largest id a row can have (a 32-bit integer column): larger values are clamped to it. */
const LARGEST_ID = 2_147_483_647;

/**
 * A positive integer from the query string (an id or a page), clamped to the largest
 * id so that a huge one never reaches a query; undefined for anything else.
 */
export function positiveQuery(c: Context, name: string): number | undefined {
  const text = c.req.query(name) ?? "";
  if (!/^\d+$/.test(text)) return undefined;
  const value = Math.min(Number(text), LARGEST_ID);
  return value > 0 ? value : undefined;
}

/**
 * The page asked for, 1 to `pages`: a page past the last shows the last (an old
 * bookmark after rows went away), anything not a page number the `fallback`.
 */
export function pageParam(c: Context, pages: number, fallback: number): number {
  const asked = positiveQuery(c, "page");
  if (asked === undefined) return fallback;
  return Math.min(asked, Math.max(1, pages));
}
