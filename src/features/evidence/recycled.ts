import type { Db, Prisma } from "../../db/client.ts";
import { insertRows } from "../../db/insertRows.ts";
import { type Band, bandOf, distance, type Fingerprint, resembles } from "./fingerprint.ts";
import type { FingerprintIndex } from "./fingerprintIndex.ts";

/*
 * Recycled photos: a photo filed that resembles one already filed in the bloc (any
 * unit, campaign or period) is flagged at intake, one row per pair, the later photo
 * first. A flag never refuses a photo; reviewers see it where they judge.
 */

type Tx = Prisma.TransactionClient | Db;

const MATCH_COLUMNS = [
  "evidenceId",
  "matchId",
  "distance",
  "band",
  "mirrored",
  "sameUnit",
  "createdAt",
] as const;

interface Pair {
  later: number;
  earlier: number;
  distance: number;
  mirrored: boolean;
  sameUnit: boolean;
}

/**
 * Flags kept per photo: every "same photo" up to 10, then the 5 closest "same scene".
 * By chance alone two unrelated 64-bit hashes are within 20 bits about once in 700
 * (directly or mirrored), so a bloc of 100,000 photos holds ~150 such strangers for
 * any new photo (scripts/bench/recycled.ts); within 10 bits, one in ~10⁸.
 */
const MAX_SAME_PHOTO = 10;
const MAX_SAME_SCENE = 5;

function keep(pairs: Pair[]): Pair[] {
  const byPhoto = new Map<number, Pair[]>();
  for (const pair of pairs) byPhoto.set(pair.later, [...(byPhoto.get(pair.later) ?? []), pair]);
  return [...byPhoto.values()].flatMap((list) => {
    list.sort((a, b) => a.distance - b.distance);
    const same = list.filter((p) => bandOf(p.distance) === "SAME_PHOTO").slice(0, MAX_SAME_PHOTO);
    const scene = list.filter((p) => bandOf(p.distance) === "SAME_SCENE").slice(0, MAX_SAME_SCENE);
    return [...same, ...scene];
  });
}

async function savePairs(tx: Tx, pairs: Pair[], now: Date): Promise<number> {
  const rows = keep(pairs).flatMap((pair) => {
    const band = bandOf(pair.distance);
    if (!band || pair.later === pair.earlier) return [];
    return [
      {
        evidenceId: pair.later,
        matchId: pair.earlier,
        distance: pair.distance,
        band,
        mirrored: pair.mirrored,
        sameUnit: pair.sameUnit,
        createdAt: now,
      },
    ];
  });
  if (rows.length === 0) return 0;
  return insertRows(tx, "EvidenceMatch", MATCH_COLUMNS, rows, {
    skipConflictsOn: ["evidenceId", "matchId"],
  });
}

/** How two photos of one album resemble, directly or mirrored; null when they do not. */
function between(a: Fingerprint, b: Fingerprint): { distance: number; mirrored: boolean } | null {
  const direct = distance(a.phash, b.phash);
  const mirror = distance(a.phashMirror, b.phash);
  const directOk = resembles(direct, distance(a.dhash, b.dhash));
  const mirrorOk = resembles(mirror, distance(a.dhashMirror, b.dhash));
  if (!directOk && !mirrorOk) return null;
  const mirrored = mirrorOk && (!directOk || mirror < direct);
  return { distance: mirrored ? mirror : direct, mirrored };
}

/**
 * Flags the photos just written to a report against the bloc's (the index, read before
 * the transaction) and against each other. Runs in the report's transaction, after the
 * photos' insert; answers the pairs flagged.
 */
export async function flagRecycled(
  tx: Tx,
  index: FingerprintIndex,
  input: {
    blocId: number;
    unitId: number;
    reportId: number;
    now: Date;
    photos: { sha256: string; fingerprint?: Fingerprint | undefined }[];
  },
): Promise<number> {
  const printed = input.photos.filter(
    (p): p is { sha256: string; fingerprint: Fingerprint } =>
      !!p.fingerprint && !p.fingerprint.flat,
  );
  if (printed.length === 0) return 0;
  const rows = await tx.$queryRaw<{ id: number | bigint; sha256: string }[]>`
    SELECT "id", "sha256" FROM "Evidence" WHERE "reportId" = ${input.reportId}`;
  const idOf = new Map(rows.map((row) => [row.sha256, Number(row.id)]));
  const pairs: Pair[] = [];
  const batch: { id: number; print: Fingerprint }[] = [];
  for (const photo of printed) {
    const id = idOf.get(photo.sha256);
    if (id === undefined) continue;
    pairs.push(...resemblances(index, input.blocId, input.unitId, id, photo.fingerprint));
    // Photos of one album are not in the index yet: compared with each other here.
    for (const other of batch) {
      const near = between(photo.fingerprint, other.print);
      if (near) pairs.push({ later: id, earlier: other.id, ...near, sameUnit: true });
    }
    batch.push({ id, print: photo.fingerprint });
  }
  return savePairs(tx, pairs, input.now);
}

/** The bloc's photos like this one, each pair the later photo first. */
function resemblances(
  index: FingerprintIndex,
  blocId: number,
  unitId: number,
  id: number,
  print: Fingerprint,
): Pair[] {
  return index.similar(blocId, print, id).map((found) => ({
    later: Math.max(id, found.evidenceId),
    earlier: Math.min(id, found.evidenceId),
    distance: found.distance,
    mirrored: found.mirrored,
    sameUnit: found.unitId === unitId,
  }));
}

/**
 * Flags one older photo fingerprinted by the background step, against every photo of
 * the bloc (later ones included: they were filed before it had a fingerprint).
 */
export function flagFingerprinted(
  tx: Tx,
  index: FingerprintIndex,
  photo: { id: number; blocId: number; unitId: number; fingerprint: Fingerprint; now: Date },
): Promise<number> {
  if (photo.fingerprint.flat) return Promise.resolve(0);
  const pairs = resemblances(index, photo.blocId, photo.unitId, photo.id, photo.fingerprint);
  return savePairs(tx, pairs, photo.now);
}

/** One side of a flagged pair, as reviewers and operators see it. */
export interface FlaggedPhoto {
  evidenceId: number;
  unitId: number;
  unitName: string;
  sha256: string;
  storageKey: string;
  receivedAt: Date;
  reportId: number;
  campaignId: number;
  campaignTitle: string;
  dueAt: Date;
}

/** A photo like another one, seen from the other one: its id, band and distance. */
export interface NearDuplicate {
  evidenceId: number;
  band: Band;
  distance: number;
  mirrored: boolean;
}

/** The near-duplicates of one photo among pairs read for it (the gallery's viewer). */
export function nearDuplicatesIn(sha256: string, pairs: FlaggedPair[]): NearDuplicate[] {
  return pairs
    .map((pair) => {
      const other = pair.photo.sha256 === sha256 ? pair.earlier : pair.photo;
      return {
        evidenceId: other.evidenceId,
        band: pair.band,
        distance: pair.distance,
        mirrored: pair.mirrored,
      };
    })
    .sort((a, b) => a.distance - b.distance || a.evidenceId - b.evidenceId);
}

export interface FlaggedPair {
  photo: FlaggedPhoto;
  /** The earlier photo it resembles. */
  earlier: FlaggedPhoto;
  distance: number;
  band: Band;
  mirrored: boolean;
  sameUnit: boolean;
}

const SIDE = {
  id: true,
  unitId: true,
  sha256: true,
  storageKey: true,
  receivedAt: true,
  reportId: true,
  unit: { select: { name: true, blocId: true } },
  report: {
    select: {
      deadline: { select: { dueAt: true, campaign: { select: { id: true, title: true } } } },
    },
  },
} as const;

type SideRow = Prisma.EvidenceGetPayload<{ select: typeof SIDE }>;

const sideOf = (row: SideRow): FlaggedPhoto => ({
  evidenceId: row.id,
  unitId: row.unitId,
  unitName: row.unit.name,
  sha256: row.sha256,
  storageKey: row.storageKey,
  receivedAt: row.receivedAt,
  reportId: row.reportId,
  campaignId: row.report.deadline.campaign.id,
  campaignTitle: row.report.deadline.campaign.title,
  dueAt: row.report.deadline.dueAt,
});

/** Reads flagged pairs; the bloc is checked on both sides (a reviewer sees only their bloc). */
export class RecycledPhotos {
  constructor(private readonly db: Db) {}

  async #pairs(blocId: number, where: Prisma.EvidenceMatchWhereInput): Promise<FlaggedPair[]> {
    const rows = await this.db.evidenceMatch.findMany({
      where: {
        ...where,
        evidence: { ...(where.evidence as object), unit: { blocId } },
        match: { unit: { blocId } },
      },
      select: {
        distance: true,
        band: true,
        mirrored: true,
        sameUnit: true,
        evidence: { select: SIDE },
        match: { select: SIDE },
      },
      orderBy: [{ evidenceId: "asc" }, { distance: "asc" }],
    });
    return rows.map((row) => ({
      photo: sideOf(row.evidence),
      earlier: sideOf(row.match),
      distance: row.distance,
      band: row.band as Band,
      mirrored: row.mirrored,
      sameUnit: row.sameUnit,
    }));
  }

  /** The report's photos that resemble earlier photos of the bloc. */
  ofReport(blocId: number, reportId: number): Promise<FlaggedPair[]> {
    return this.#pairs(blocId, { evidence: { reportId } });
  }

  /** Pairs a photo (by its bytes) belongs to, on either side: the gallery's viewer. */
  ofPhoto(blocId: number, sha256: string): Promise<FlaggedPair[]> {
    return this.#pairs(blocId, {
      OR: [{ evidence: { sha256 } }, { match: { sha256 } }],
    });
  }

  /** Every flagged photo filed for a campaign, with the earlier photo each resembles. */
  ofCampaign(blocId: number, campaignId: number): Promise<FlaggedPair[]> {
    return this.#pairs(blocId, { evidence: { report: { deadline: { campaignId } } } });
  }

  /** Flagged photos of a campaign (each counted once), by unit, most first. */
  async countsByUnit(
    blocId: number,
    campaignId: number,
  ): Promise<{ unitName: string; count: number }[]> {
    const rows = await this.db.evidence.findMany({
      where: {
        unit: { blocId },
        report: { deadline: { campaignId } },
        matches: { some: {} },
      },
      select: { unit: { select: { name: true } } },
    });
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(row.unit.name, (counts.get(row.unit.name) ?? 0) + 1);
    return [...counts.entries()]
      .map(([unitName, count]) => ({ unitName, count }))
      .sort((a, b) => b.count - a.count || a.unitName.localeCompare(b.unitName));
  }

  /**
   * Each photo's near-duplicates, either side of a pair, for the photos `where` picks
   * (a report's, a campaign's): the other photo's id, the band and the distance.
   */
  async nearDuplicates(
    blocId: number,
    where: Prisma.EvidenceWhereInput,
  ): Promise<Map<number, NearDuplicate[]>> {
    const rows = await this.db.evidenceMatch.findMany({
      where: {
        OR: [{ evidence: where }, { match: where }],
        evidence: { unit: { blocId } },
        match: { unit: { blocId } },
      },
      select: { evidenceId: true, matchId: true, band: true, distance: true, mirrored: true },
      orderBy: [{ distance: "asc" }, { evidenceId: "asc" }, { matchId: "asc" }],
    });
    const near = new Map<number, NearDuplicate[]>();
    const add = (id: number, other: NearDuplicate) =>
      near.set(id, [...(near.get(id) ?? []), other]);
    for (const row of rows) {
      const pair = { band: row.band as Band, distance: row.distance, mirrored: row.mirrored };
      add(row.evidenceId, { evidenceId: row.matchId, ...pair });
      add(row.matchId, { evidenceId: row.evidenceId, ...pair });
    }
    return near;
  }

  /**
   * Flagged photos of a campaign per unit, in the band of each photo's closest match
   * (a photo counted once): the results sheet's columns.
   */
  async bandsByUnit(
    blocId: number,
    campaignId: number,
  ): Promise<Map<number, { samePhoto: number; sameScene: number }>> {
    const rows = await this.db.evidence.findMany({
      where: { unit: { blocId }, report: { deadline: { campaignId } }, matches: { some: {} } },
      select: { unitId: true, matches: { select: { band: true } } },
    });
    const counts = new Map<number, { samePhoto: number; sameScene: number }>();
    for (const row of rows) {
      const count = counts.get(row.unitId) ?? { samePhoto: 0, sameScene: 0 };
      if (row.matches.some((m) => m.band === "SAME_PHOTO")) count.samePhoto++;
      else count.sameScene++;
      counts.set(row.unitId, count);
    }
    return counts;
  }
}
