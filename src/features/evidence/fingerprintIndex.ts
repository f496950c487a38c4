import type { Db } from "../../db/client.ts";
import { halves, popcount32, resembles } from "./fingerprint.ts";

/** A stored photo that resembles the one being filed. */
export interface Resemblance {
  evidenceId: number;
  unitId: number;
  distance: number;
  mirrored: boolean;
}

interface BlocHashes {
  ids: Int32Array;
  units: Int32Array;
  hi: Uint32Array;
  lo: Uint32Array;
  /** The dHash's halves: the "same scene" band's second opinion. */
  dhi: Uint32Array;
  dlo: Uint32Array;
  count: number;
}

interface Row {
  id: number | bigint;
  unitId: number | bigint;
  blocId: number | bigint;
  phash: string | null;
  dhash: string | null;
  phashFlat: boolean | number | null;
}

/** An id skipped by a read may be a transaction still open elsewhere: looked for again this long. */
const GAP_MS = 60_000;
const MAX_GAPS = 1_000;
const PAGE = 10_000;

/**
 * Every fingerprinted photo of each bloc, in this process's memory: 16 bytes a photo
 * (id, unit, two 32-bit halves of the hash; 100,000 photos are 1.6 MB), read once and
 * then only what was added since (`refresh`, before a report's transaction). Comparing
 * a photo with a bloc's 100,000 is two XORs and popcounts on 32-bit numbers each, a
 * millisecond or two; a BigInt XOR per photo was many times slower. Rows another
 * process commits out of id order are caught by looking again, for a minute, for ids
 * a read skipped.
 */
export class FingerprintIndex {
  #blocs = new Map<number, BlocHashes>();
  #high = 0;
  #gaps: { id: number; until: number }[] = [];
  #reading: Promise<void> | null = null;

  constructor(private readonly db: Db) {}

  /** Photos known to this index (all blocs). */
  size(): number {
    let total = 0;
    for (const bloc of this.#blocs.values()) total += bloc.count;
    return total;
  }

  /** Reads photos fingerprinted since the last read. Call it outside a transaction. */
  refresh(): Promise<void> {
    this.#reading ??= this.#read().finally(() => {
      this.#reading = null;
    });
    return this.#reading;
  }

  async #read(): Promise<void> {
    const now = Date.now();
    this.#gaps = this.#gaps.filter((gap) => gap.until > now);
    let from = Math.min(this.#high, ...this.#gaps.map((gap) => gap.id - 1));
    const initial = this.#high === 0;
    // A page at a time: the first read of a large bloc holds one page of rows, not all.
    for (;;) {
      const rows = await this.db.$queryRaw<Row[]>`
        SELECT e."id" AS "id", e."unitId" AS "unitId",
               (SELECT u."blocId" FROM "Unit" u WHERE u."id" = e."unitId") AS "blocId",
               e."phash" AS "phash", e."dhash" AS "dhash", e."phashFlat" AS "phashFlat"
        FROM "Evidence" e
        WHERE e."id" > ${from}
        ORDER BY e."id"
        LIMIT ${PAGE}`;
      // (The bloc by a subquery, not a join: PostgreSQL planned the join as a scan of
      // every photo, 20 ms per refresh at 100,000, where the id range is a few rows.)
      this.#take(rows, initial, now);
      const last = rows.at(-1);
      if (rows.length < PAGE || !last) return;
      from = Number(last.id);
    }
  }

  #take(rows: Row[], initial: boolean, now: number): void {
    let expected = this.#high + 1;
    for (const row of rows) {
      const id = Number(row.id);
      if (id <= this.#high) {
        const gap = this.#gaps.findIndex((g) => g.id === id);
        if (gap < 0) continue;
        this.#gaps.splice(gap, 1);
      } else {
        if (!initial) {
          for (; expected < id && this.#gaps.length < MAX_GAPS; expected++) {
            this.#gaps.push({ id: expected, until: now + GAP_MS });
          }
        }
        expected = id + 1;
        this.#high = id;
      }
      if (row.phash && row.dhash && !row.phashFlat) {
        this.add(Number(row.blocId), id, Number(row.unitId), row.phash, row.dhash);
      }
    }
  }

  /** Bytes the index holds (its arrays). */
  bytes(): number {
    let total = 0;
    for (const b of this.#blocs.values()) {
      total += b.ids.byteLength + b.units.byteLength + b.hi.byteLength + b.lo.byteLength;
      total += b.dhi.byteLength + b.dlo.byteLength;
    }
    return total;
  }

  /** A photo fingerprinted by this process (the background step), known at once. */
  add(blocId: number, evidenceId: number, unitId: number, phash: string, dhash: string): void {
    let bloc = this.#blocs.get(blocId);
    if (!bloc) {
      bloc = {
        ids: new Int32Array(64),
        units: new Int32Array(64),
        hi: new Uint32Array(64),
        lo: new Uint32Array(64),
        dhi: new Uint32Array(64),
        dlo: new Uint32Array(64),
        count: 0,
      };
      this.#blocs.set(blocId, bloc);
    }
    if (bloc.count === bloc.ids.length) {
      const grow = <T extends Int32Array | Uint32Array>(a: T): T => {
        const bigger = new (a.constructor as new (n: number) => T)(a.length * 2);
        bigger.set(a);
        return bigger;
      };
      bloc.ids = grow(bloc.ids);
      bloc.units = grow(bloc.units);
      bloc.hi = grow(bloc.hi);
      bloc.lo = grow(bloc.lo);
      bloc.dhi = grow(bloc.dhi);
      bloc.dlo = grow(bloc.dlo);
    }
    const [hi, lo] = halves(phash);
    const [dhi, dlo] = halves(dhash);
    bloc.dhi[bloc.count] = dhi;
    bloc.dlo[bloc.count] = dlo;
    bloc.ids[bloc.count] = evidenceId;
    bloc.units[bloc.count] = unitId;
    bloc.hi[bloc.count] = hi;
    bloc.lo[bloc.count] = lo;
    bloc.count++;
  }

  /**
   * The bloc's photos within the "same scene" band of this one, directly or mirrored
   * (the smaller distance counts), closest first; `except` is the photo itself.
   */
  similar(
    blocId: number,
    print: { phash: string; phashMirror: string; dhash: string; dhashMirror: string },
    except?: number,
  ): Resemblance[] {
    const bloc = this.#blocs.get(blocId);
    if (!bloc) return [];
    const [ah, al] = halves(print.phash);
    const [mh, ml] = halves(print.phashMirror);
    const [dh, dl] = halves(print.dhash);
    const [eh, el] = halves(print.dhashMirror);
    const found: Resemblance[] = [];
    const { ids, units, hi, lo, dhi, dlo, count } = bloc;
    for (let i = 0; i < count; i++) {
      const h = hi[i] as number;
      const l = lo[i] as number;
      const direct = popcount32(ah ^ h) + popcount32(al ^ l);
      const mirror = popcount32(mh ^ h) + popcount32(ml ^ l);
      // Most photos are far on both: the dHash is read only for the few within the band.
      if (Math.min(direct, mirror) > 20 || ids[i] === except) continue;
      const x = dhi[i] as number;
      const y = dlo[i] as number;
      const directOk = resembles(direct, popcount32(dh ^ x) + popcount32(dl ^ y));
      const mirrorOk = resembles(mirror, popcount32(eh ^ x) + popcount32(el ^ y));
      if (!directOk && !mirrorOk) continue;
      const mirrored = mirrorOk && (!directOk || mirror < direct);
      found.push({
        evidenceId: ids[i] as number,
        unitId: units[i] as number,
        distance: mirrored ? mirror : direct,
        mirrored,
      });
    }
    return found.sort((a, b) => a.distance - b.distance || a.evidenceId - b.evidenceId);
  }
}

const indexes = new WeakMap<Db, FingerprintIndex>();

/** The process's index for a database (one per app: tests run several in one process). */
export function fingerprintIndex(db: Db): FingerprintIndex {
  let index = indexes.get(db);
  if (!index) {
    index = new FingerprintIndex(db);
    indexes.set(db, index);
  }
  return index;
}
