import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { z } from "zod";

/*
 * The ballot box. A unit may change its vote until closing, so its current choice must
 * be found again; but the store must not say which unit chose what. So the choices of a
 * round live in one sealed value (AES-256-GCM) on the ballot's row, each under a tag that
 * only the key can compute from the unit (HMAC), padded to a size that depends only on
 * the number of voters, and rewritten whole at every vote: no row per choice, no order,
 * no time. The key comes from the server's ballot key (outside the database) and a
 * per-ballot salt that closing erases together with the box: once counted, nothing can
 * be opened again, not even with the server's key. docs/architecture.md has the threat model.
 */

const entrySchema = z.tuple([z.string().regex(/^[0-9a-f]{32}$/), z.array(z.number().int())]);
const contentSchema = z.array(entrySchema);

/** Tag → the candidate unit ids chosen. */
export type BoxContent = Map<string, number[]>;

export interface BoxKey {
  readonly key: Buffer;
}

export const newSalt = () => randomBytes(16).toString("hex");

/** The round's key, from the server's ballot key and the ballot's salt. */
export function boxKey(serverKey: Buffer, salt: string, ballotId: number, round: number): BoxKey {
  const key = Buffer.from(
    hkdfSync("sha256", serverKey, Buffer.from(salt, "hex"), `ballot:${ballotId}:${round}`, 32),
  );
  return { key };
}

/** Where a unit's choice sits in the box: computable only with the key. */
export const voterTag = (box: BoxKey, unitId: number) =>
  createHmac("sha256", box.key).update(`voter:${unitId}`).digest("hex").slice(0, 32);

/** Bytes of plain text per entry: a tag, and each choice as a padded number. */
const entrySize = (choose: number) => 40 + choose * 12;

export function sealBox(box: BoxKey, content: BoxContent, choose: number, aad: string): string {
  // Sorted by tag (a keyed hash): the order says nothing of who voted when.
  const entries = [...content].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const json = JSON.stringify(entries);
  // Padded: a changed vote (one candidate for another with a longer id) leaves the size as it was.
  const plain = Buffer.from(json.padEnd(64 + entries.length * entrySize(choose), " "), "utf8");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", box.key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64");
}

export function openBox(box: BoxKey, sealed: string | null, aad: string): BoxContent {
  if (!sealed) return new Map();
  const bytes = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", box.key, bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(bytes.subarray(12, 28));
  const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
  return new Map(contentSchema.parse(JSON.parse(plain.toString("utf8"))));
}
