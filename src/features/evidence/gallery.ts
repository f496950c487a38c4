import type { Db, Prisma } from "../../db/client.ts";
import { PROOF_FIELDS, type ProofFacts } from "./proof.ts";

export interface GalleryFilter {
  campaignId?: number;
  deadlineId?: number;
  unitId?: number;
}

export interface GalleryPhoto {
  /** The row's id: the gallery's pages start before or after one (a cursor). */
  id: number;
  sha256: string;
  unitName: string;
  sender: string;
  receivedAt: Date;
  dueAt: Date;
  campaignTitle: string;
  caption: string;
  width: number | null;
  height: number | null;
  proof: ProofFacts;
}

const PHOTO_FIELDS = {
  ...PROOF_FIELDS,
  id: true,
  caption: true,
  unit: { select: { name: true } },
  member: { select: { displayName: true } },
  report: {
    select: { deadline: { select: { dueAt: true, campaign: { select: { title: true } } } } },
  },
} as const;

type PhotoRow = Prisma.EvidenceGetPayload<{ select: typeof PHOTO_FIELDS }>;

const toPhoto = (r: PhotoRow): GalleryPhoto => ({
  id: r.id,
  sha256: r.sha256,
  unitName: r.unit.name,
  sender: r.member.displayName,
  receivedAt: r.receivedAt,
  dueAt: r.report.deadline.dueAt,
  campaignTitle: r.report.deadline.campaign.title,
  caption: r.caption,
  width: r.width,
  height: r.height,
  proof: {
    receivedAt: r.receivedAt,
    sender: r.member.displayName,
    unitName: r.unit.name,
    platform: r.platform,
    forwarded: r.forwarded,
    sentAsFile: r.sentAsFile,
    exifTakenAt: r.exifTakenAt,
    exifLat: r.exifLat,
    exifLon: r.exifLon,
    width: r.width,
    height: r.height,
    sha256: r.sha256,
  },
});

/**
 * The bloc's evidence as the dashboard shows it. Photos are addressed by their
 * SHA-256 (unguessable), and only inside the viewer's bloc and, for a unit's
 * members, their unit.
 */
export class GalleryService {
  constructor(private readonly db: Db) {}

  /**
   * One page of photos, newest first, and how many there are in all. A page starts
   * below `before` (older) or above `after` (newer) by id, so a page deep in 100,000
   * photos costs what the first does (an offset would walk every row before it); a
   * cursor that leaves nothing to show answers the newest page.
   */
  async list(
    blocId: number,
    filter: GalleryFilter,
    page: { take: number; before?: number | undefined; after?: number | undefined } = {
      take: 120,
    },
  ): Promise<{ photos: GalleryPhoto[]; total: number; newer: boolean; older: boolean }> {
    const where = {
      unit: { blocId },
      ...(filter.unitId ? { unitId: filter.unitId } : {}),
      report: {
        ...(filter.deadlineId ? { deadlineId: filter.deadlineId } : {}),
        ...(filter.campaignId ? { deadline: { campaignId: filter.campaignId } } : {}),
      },
    };
    const rowsFrom = async (cursor: { before?: number; after?: number }) => {
      const rows = await this.db.evidence.findMany({
        where: {
          ...where,
          ...(cursor.before ? { id: { lt: cursor.before } } : {}),
          ...(cursor.after ? { id: { gt: cursor.after } } : {}),
        },
        select: PHOTO_FIELDS,
        orderBy: { id: cursor.after ? "asc" : "desc" },
        take: page.take,
      });
      return cursor.after ? rows.reverse() : rows;
    };
    const cursor = page.after ? { after: page.after } : page.before ? { before: page.before } : {};
    let rows = await rowsFrom(cursor);
    if (rows.length === 0 && (page.after || page.before)) rows = await rowsFrom({});
    const newest = rows[0]?.id ?? 0;
    const oldest = rows.at(-1)?.id ?? 0;
    const [total, newer, older] = await Promise.all([
      this.db.evidence.count({ where }),
      rows.length
        ? this.db.evidence.findFirst({
            where: { ...where, id: { gt: newest } },
            select: { id: true },
          })
        : null,
      rows.length
        ? this.db.evidence.findFirst({
            where: { ...where, id: { lt: oldest } },
            select: { id: true },
          })
        : null,
    ]);
    return { photos: rows.map(toPhoto), total, newer: newer !== null, older: older !== null };
  }

  /** A report's photos in the order they came, the first `take`, and how many it has. */
  async ofReport(
    blocId: number,
    reportId: number,
    take: number,
  ): Promise<{ photos: { storageKey: string; caption: string }[]; total: number }> {
    const where = { reportId, unit: { blocId } };
    const [photos, total] = await Promise.all([
      this.db.evidence.findMany({
        where,
        select: { storageKey: true, caption: true },
        orderBy: { id: "asc" },
        take,
      }),
      this.db.evidence.count({ where }),
    ]);
    return { photos, total };
  }

  /** One photo and where its bytes are, if the viewer may see it; null otherwise. */
  async find(
    sha256: string,
    viewer: { blocId: number; unitId: number | null; wholeBloc: boolean },
  ): Promise<(GalleryPhoto & { storageKey: string; mimeType: string }) | null> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
    const row = await this.db.evidence.findFirst({
      where: {
        sha256,
        unit: { blocId: viewer.blocId },
        ...(viewer.wholeBloc ? {} : { unitId: viewer.unitId ?? -1 }),
      },
      select: { ...PHOTO_FIELDS, storageKey: true, mimeType: true },
    });
    return row ? { ...toPhoto(row), storageKey: row.storageKey, mimeType: row.mimeType } : null;
  }
}
