import type { Db } from "../../db/client.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import { type NearDuplicate, RecycledPhotos } from "./recycled.ts";

/**
 * A photo's proof card: what the server itself recorded (when it arrived, from whom,
 * through which app, whether the app marked it forwarded or sent as a file) and what
 * the photo's EXIF claims (capture time, position). Chat apps strip most EXIF, so the
 * server's record is the part that lasts; the EXIF part is shown as absent where it is
 * absent and as implausible where it cannot be true, never guessed.
 */
export interface ProofFacts {
  receivedAt: Date;
  sender: string;
  unitName: string;
  platform: string;
  /** null: the app does not say (Zalo's webhook has no such mark). */
  forwarded: boolean | null;
  sentAsFile: boolean;
  /** The camera's wall clock, stored as if UTC (EXIF has no zone). */
  exifTakenAt: Date | null;
  exifLat: number | null;
  exifLon: number | null;
  width: number | null;
  height: number | null;
  sha256: string;
  /**
   * Photos of the bloc this one resembles, either way (recycled.ts); absent where the
   * reader may not be told (a unit's member in the gallery).
   */
  nearDuplicates?: NearDuplicate[];
}

/** Before EXIF existed (1995) nothing was written with it: a 1970 date is a reset clock. */
const EARLIEST_EXIF = Date.UTC(1995, 0, 1);
/** A day of slack after arrival: the camera's clock has no zone and may run in another one. */
const CLOCK_SLACK_MS = 24 * 3600 * 1000;

export function takenAtPlausible(takenAt: Date, receivedAt: Date): boolean {
  const at = takenAt.getTime();
  return at >= EARLIEST_EXIF && at <= receivedAt.getTime() + CLOCK_SLACK_MS;
}

/** 0,0 is in the Gulf of Guinea: what a phone writes when it has no fix. */
export const positionPlausible = (lat: number, lon: number) =>
  !(Math.abs(lat) < 1e-6 && Math.abs(lon) < 1e-6);

/** "#12 (the same photo, 2/64)" for each near-duplicate; "none" when there is none. */
export function nearDuplicatesText(t: Translate, near: NearDuplicate[]): string {
  if (near.length === 0) return t("proof:absent");
  return near
    .map((n) =>
      t("proof:near_item", {
        id: n.evidenceId,
        band: t(`recycled:band.${n.band}`),
        distance: n.distance,
        mirrored: n.mirrored ? ` ${t("recycled:mirrored")}` : "",
      }),
    )
    .join("; ");
}

/** The card's values as text in the reader's language; the labels are the caller's. */
export function proofValues(t: Translate, p: ProofFacts, timezone: string) {
  const implausible = (value: string) => t("proof:implausible", { value });
  let taken = t("proof:absent");
  if (p.exifTakenAt) {
    const text = formatDateTime(p.exifTakenAt, "UTC");
    taken = takenAtPlausible(p.exifTakenAt, p.receivedAt) ? text : implausible(text);
  }
  let gps = t("proof:absent");
  if (p.exifLat !== null && p.exifLon !== null) {
    const text = `${p.exifLat.toFixed(5)}, ${p.exifLon.toFixed(5)}`;
    gps = positionPlausible(p.exifLat, p.exifLon) ? text : implausible(text);
  }
  return {
    received: formatDateTime(p.receivedAt, timezone),
    app: t(`common:app.${p.platform}`, { defaultValue: p.platform }),
    forwarded: t(p.forwarded === null ? "proof:unknown" : p.forwarded ? "proof:yes" : "proof:no"),
    sentAsFile: t(p.sentAsFile ? "proof:yes" : "proof:no"),
    taken,
    gps,
    size: p.width && p.height ? `${p.width} × ${p.height}` : t("proof:absent"),
  };
}

/** The whole card, a labelled line each (the gallery's viewer). */
export function proofCardLines(t: Translate, p: ProofFacts, timezone: string): string[] {
  const v = proofValues(t, p, timezone);
  return [
    t("proof:received", { at: v.received }),
    t("proof:sender", { sender: p.sender, unit: p.unitName }),
    t("proof:platform", { app: v.app }),
    t("proof:forwarded", { value: v.forwarded }),
    t("proof:sent_as_file", { value: v.sentAsFile }),
    t("proof:taken", { value: v.taken }),
    t("proof:gps", { value: v.gps }),
    t("proof:size", { value: v.size }),
    t("proof:sha256", { value: p.sha256 }),
    ...(p.nearDuplicates
      ? [t("proof:near", { value: nearDuplicatesText(t, p.nearDuplicates) })]
      : []),
  ];
}

/**
 * One line per photo for a chat, where ten full cards would be a long scroll: what
 * the app marked is named only when it marked something.
 */
export function proofLine(t: Translate, p: ProofFacts, timezone: string, n: number): string {
  const v = proofValues(t, p, timezone);
  const marks = [
    p.forwarded ? t("proof:short_forwarded") : null,
    p.forwarded === null ? t("proof:short_forward_unknown") : null,
    p.sentAsFile ? t("proof:short_file") : null,
  ].filter(Boolean);
  const line = t("proof:short", {
    n,
    received: v.received,
    sender: p.sender,
    app: [v.app, ...marks].join(", "),
    taken: v.taken,
    gps: v.gps,
    size: v.size,
    sha: p.sha256.slice(0, 12),
  });
  // Named by id only: the reviewer's lines under the card say whose they are.
  const near = p.nearDuplicates?.length
    ? ` · ${t("proof:short_near", { ids: p.nearDuplicates.map((n) => `#${n.evidenceId}`).join(", ") })}`
    : "";
  return line + near;
}

export const PROOF_FIELDS = {
  receivedAt: true,
  platform: true,
  forwarded: true,
  sentAsFile: true,
  exifTakenAt: true,
  exifLat: true,
  exifLon: true,
  width: true,
  height: true,
  sha256: true,
} as const;

/** Reads proof cards where the chat needs them (the gallery's rows carry their own). */
export class ProofService {
  constructor(private readonly db: Db) {}

  /** The cards of a report's first `take` photos, in the order they came. */
  async ofReport(blocId: number, reportId: number, take: number): Promise<ProofFacts[]> {
    const [rows, near] = await Promise.all([
      this.db.evidence.findMany({
        where: { reportId, unit: { blocId } },
        select: {
          ...PROOF_FIELDS,
          id: true,
          unit: { select: { name: true } },
          member: { select: { displayName: true } },
        },
        orderBy: { id: "asc" },
        take,
      }),
      new RecycledPhotos(this.db).nearDuplicates(blocId, { reportId }),
    ]);
    return rows.map(({ unit, member, id, ...row }) => ({
      ...row,
      unitName: unit.name,
      sender: member.displayName,
      nearDuplicates: near.get(id) ?? [],
    }));
  }
}
