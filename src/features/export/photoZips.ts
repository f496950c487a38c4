import { createWriteStream, renameSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { Zip, ZipPassThrough } from "fflate";
import type { OutboundDocument } from "../../core/outbound.ts";
import type { Db } from "../../db/client.ts";
import { formatDateTime, wallClockIn } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import type { EvidenceStore } from "../../storage/evidenceStore.ts";
import type { CampaignSummary } from "../campaigns/service.ts";
import { nearDuplicatesText, PROOF_FIELDS, proofValues } from "../evidence/proof.ts";
import { RecycledPhotos } from "../evidence/recycled.ts";
import { csvLine } from "./cells.ts";

/*
 * The export's photos in ZIP files written as they are built: one photo at a time
 * from the store, each chunk on disk before the next is read, parts closed before
 * they pass the largest size asked for, each part with its manifest.
 */

/** A file-name-safe slug: "Ban Tuyên giáo Tỉnh ủy" → "ban-tuyen-giao-tinh-uy". */
export function slug(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
}

/** Names made unique: the second "ban-a" becomes "ban-a-2". */
export function uniqueNames<T>(items: T[], nameOf: (item: T) => string): Map<T, string> {
  const taken = new Set<string>();
  const out = new Map<T, string>();
  for (const item of items) {
    const base = nameOf(item) || "x";
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    out.set(item, name);
  }
  return out;
}

/**
 * A new file only the bot's user may read (0600; a umask can only take more away): exceljs
 * given a file name would create it 0644, readable by every account on the machine.
 */
export const privateFile = (path: string) => createWriteStream(path, { mode: 0o600, flags: "wx" });

/** A ZIP written to a file as it goes: the photos never sit in memory together. */
class ZipFile {
  readonly #zip: Zip;
  readonly #out: WriteStream;
  readonly #done: Promise<void>;
  #lastWrite: Promise<void> = Promise.resolve();
  /** What the file will weigh: each entry's bytes, its local header and its directory entry. */
  bytes = 22;

  constructor(readonly path: string) {
    this.#out = privateFile(path);
    this.#zip = new Zip((error, chunk, final) => {
      if (error) {
        this.#out.destroy(error);
        return;
      }
      this.#lastWrite = new Promise((resolve) => this.#out.write(chunk, () => resolve()));
      if (final) this.#out.end();
    });
    this.#done = new Promise((resolve, reject) => {
      this.#out.on("finish", resolve);
      this.#out.on("error", reject);
    });
  }

  /**
   * Stored, not deflated: photos are compressed already. Each chunk is on disk before
   * the next is read, so photos never pile up in memory.
   */
  async add(name: string, chunks: AsyncIterable<Uint8Array> | Uint8Array[]): Promise<void> {
    const entry = new ZipPassThrough(name);
    this.bytes += 2 * Buffer.byteLength(name) + 46 + 30 + 16;
    this.#zip.add(entry);
    for await (const chunk of chunks) {
      this.bytes += chunk.length;
      entry.push(chunk, false);
      // Written before the next chunk is read: the store reuses one buffer.
      await this.#lastWrite;
    }
    entry.push(new Uint8Array(), true);
    await this.#lastWrite;
  }

  async close(): Promise<void> {
    this.#zip.end();
    await this.#done;
  }
}

/**
 * The photos, unit/deadline/n.ext, one at a time from the store into ZIP parts.
 * Each part has a manifest: path, unit, deadline, sender, time, SHA-256, the proof
 * card, the photo's id and its near-duplicates (ids, band, distance).
 */
export async function writePhotoZips(
  db: Db,
  store: EvidenceStore,
  campaign: CampaignSummary,
  units: { id: number; name: string }[],
  memberName: Map<number, string>,
  timezone: string,
  dir: string,
  base: string,
  maxPart: number,
  t: Translate,
): Promise<{ photos: number; files: OutboundDocument[] }> {
  const unitFolder = uniqueNames(units, (u) => slug(u.name));
  const unitById = new Map(units.map((u) => [u.id, u]));
  const deadlineFolder = uniqueNames(campaign.deadlines, (d) => {
    const w = wallClockIn(d.dueAt, timezone);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${w.year}-${pad(w.month)}-${pad(w.day)}_${pad(w.hour)}${pad(w.minute)}`;
  });
  const parts: { zip: ZipFile; manifest: string[] }[] = [];
  const manifestHeader = csvLine([
    t("export:file"),
    t("export:unit"),
    t("export:deadline"),
    t("export:reporter"),
    t("export:received_at"),
    "SHA-256",
    t("proof:column_platform"),
    t("proof:column_forwarded"),
    t("proof:column_sent_as_file"),
    t("proof:column_taken"),
    t("proof:column_gps"),
    t("proof:column_size"),
    t("proof:column_id"),
    t("proof:column_near"),
  ]);
  // Near-duplicates of every photo of the campaign, either side, in one query.
  const near = await new RecycledPhotos(db).nearDuplicates(campaign.blocId, {
    report: { deadline: { campaignId: campaign.id } },
  });
  let photos = 0;
  // One buffer carries every photo from the store to the ZIP.
  const copyBuffer = Buffer.allocUnsafe(256 * 1024);
  const current = () => parts.at(-1);
  const openPart = () => {
    const zip = new ZipFile(join(dir, `${base}-minh-chung-part${parts.length + 1}.zip`));
    parts.push({ zip, manifest: [manifestHeader] });
    return parts.at(-1) as { zip: ZipFile; manifest: string[] };
  };
  for (const deadline of campaign.deadlines) {
    const evidence = await db.evidence.findMany({
      where: { report: { deadlineId: deadline.id } },
      orderBy: { id: "asc" },
      select: {
        ...PROOF_FIELDS,
        id: true,
        unitId: true,
        reportId: true,
        memberId: true,
        storageKey: true,
        size: true,
      },
    });
    const counters = new Map<number, number>();
    for (const item of evidence) {
      const unit = unitById.get(item.unitId);
      if (!unit) continue;
      const n = (counters.get(item.unitId) ?? 0) + 1;
      counters.set(item.unitId, n);
      const extension = item.storageKey.split(".").pop() ?? "jpg";
      const path = `${unitFolder.get(unit)}/${deadlineFolder.get(deadline)}/${n}.${extension}`;
      let part = current() ?? openPart();
      // Room is kept for the manifest (about 350 bytes a photo with its proof card).
      const manifestBytes = part.manifest.length * 350 + 1024;
      if (part.manifest.length > 1 && part.zip.bytes + item.size + 350 + manifestBytes > maxPart) {
        await closePart(part);
        part = openPart();
      }
      await part.zip.add(path, store.chunks(item.storageKey, copyBuffer));
      const sender = memberName.get(item.memberId) ?? "";
      const proof = proofValues(t, { ...item, sender, unitName: unit.name }, timezone);
      part.manifest.push(
        csvLine([
          path,
          unit.name,
          formatDateTime(deadline.dueAt, timezone),
          sender,
          proof.received,
          item.sha256,
          proof.app,
          proof.forwarded,
          proof.sentAsFile,
          proof.taken,
          proof.gps,
          proof.size,
          item.id,
          nearDuplicatesText(t, near.get(item.id) ?? []),
        ]),
      );
      photos++;
    }
  }
  const last = current();
  if (last) await closePart(last);
  const files = parts.map(({ zip }, i) => {
    const fileName =
      parts.length === 1 ? `${base}-minh-chung.zip` : `${base}-minh-chung-${i + 1}.zip`;
    // Named on disk as delivered, so the folder itself checks against its manifest.
    const path = join(dir, fileName);
    renameSync(zip.path, path);
    return { fileName, mimeType: "application/zip", path };
  });
  return { photos, files };
}

async function closePart(part: { zip: ZipFile; manifest: string[] }): Promise<void> {
  await part.zip.add("manifest.csv", [Buffer.from(`\uFEFF${part.manifest.join("")}`, "utf8")]);
  await part.zip.close();
}
