import ExifReader from "exifreader";

/**
 * What a photo's EXIF says about when and where it was taken. Chat apps strip most
 * of it, so absent is the usual answer, and it is kept as absent (null), never guessed.
 */
export interface ExifFacts {
  /**
   * The camera's own clock, which has no zone: the wall-clock figures it wrote, kept as
   * if they were UTC and always shown as written (ISO text: it travels in form state).
   */
  takenAt: string | null;
  lat: number | null;
  lon: number | null;
}

const NONE: ExifFacts = { takenAt: null, lat: null, lon: null };
const EXIF_TIME = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;

/** The camera's "YYYY:MM:DD hh:mm:ss", or null for anything else (blanks, zeros, junk). */
function wallClock(text: unknown): string | null {
  if (typeof text !== "string") return null;
  const m = EXIF_TIME.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // 2024:02:31 rolls over into March: a date that does not exist is no date.
  if (at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return null;
  }
  return at.toISOString();
}

const coordinate = (value: unknown, limit: number) =>
  typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= limit ? value : null;

/**
 * Reads the EXIF of a JPEG, PNG or WebP from its bytes (the segments only: nothing is
 * decoded, so it is cheap enough at intake). Never throws: EXIF is the sender's to
 * write, and a broken one is no reason to refuse the photo.
 */
export function readExif(bytes: Uint8Array): ExifFacts {
  try {
    const tags = ExifReader.loadView(
      new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      {
        expanded: true,
        includeTags: {
          exif: ["DateTimeOriginal", "DateTimeDigitized", "DateTime"],
          gps: true,
        },
      },
    );
    const exif = tags.exif;
    const takenAt =
      wallClock(exif?.DateTimeOriginal?.description) ??
      wallClock(exif?.DateTimeDigitized?.description) ??
      wallClock(exif?.DateTime?.description);
    const lat = coordinate(tags.gps?.Latitude, 90);
    const lon = coordinate(tags.gps?.Longitude, 180);
    // One half of a position is no position.
    const both = lat !== null && lon !== null;
    return { takenAt, lat: both ? lat : null, lon: both ? lon : null };
  } catch {
    return NONE;
  }
}
