import { isNode, LineCounter, parseDocument } from "yaml";
import { parseDateInput } from "./dateInput.ts";
import { type CampaignDraft, campaignDraftSchema, campaignFileSchema } from "./schema.ts";

/** Every problem found in a campaign file, each naming its line and field. */
export class CampaignFileError extends Error {
  override name = "CampaignFileError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/**
 * Reads a campaign from YAML or JSON (JSON is YAML) with the same rules as the chat
 * flow: dates as people write them, in the bloc's time zone.
 */
export function parseCampaignFile(
  text: string,
  timezone: string,
  now: Date,
): { draft: CampaignDraft; activate: boolean } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new CampaignFileError(
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0]}`),
    );
  }
  const where = (path: (string | number)[]) => {
    const node = doc.getIn(path, true);
    const offset = isNode(node) && node.range ? node.range[0] : undefined;
    const line = offset === undefined ? "" : `line ${lineCounter.linePos(offset).line}, `;
    return `${line}${path
      .map((p) => (typeof p === "number" ? `[${p}]` : p))
      .join(".")
      .replace(".[", "[")}`;
  };

  const file = campaignFileSchema.safeParse(doc.toJS());
  if (!file.success) {
    throw new CampaignFileError(
      file.error.issues.map(
        (i) => `${where(i.path as (string | number)[]) || "file"}: ${i.message}`,
      ),
    );
  }
  const problems: string[] = [];
  const date = (
    value: string,
    path: (string | number)[],
    kind: Parameters<typeof parseDateInput>[3],
  ) => {
    const at = parseDateInput(value, timezone, now, kind);
    if (!at)
      problems.push(`${where(path)}: cannot read the date "${value}" (e.g. 31/12/2022 17:00)`);
    return at ?? new Date(0);
  };
  const raw = {
    title: file.data.title,
    description: file.data.description ?? "",
    startsAt: date(file.data.start, ["start"], "startOfDay"),
    endsAt: date(file.data.end, ["end"], "endOfDay"),
    criteria: file.data.criteria ?? [],
    lateRule:
      typeof file.data.lateRule === "object"
        ? `deduct:${file.data.lateRule.deductPerDay}`
        : (file.data.lateRule ?? "none"),
    thresholds: file.data.thresholds ?? null,
    deadlines: file.data.deadlines.map((d, i) => date(d, ["deadlines", i], "officeClose")),
    hashtag: file.data.hashtag ? file.data.hashtag.replace(/^#?/, "#").toLowerCase() : null,
  };
  if (problems.length > 0) throw new CampaignFileError(problems);
  const draft = campaignDraftSchema.safeParse(raw);
  if (!draft.success) {
    const fileField = (path: PropertyKey[]) =>
      path.map((p) => (p === "startsAt" ? "start" : p === "endsAt" ? "end" : p)) as (
        | string
        | number
      )[];
    throw new CampaignFileError(
      draft.error.issues.map((i) => `${where(fileField(i.path))}: ${i.message}`),
    );
  }
  return { draft: draft.data, activate: file.data.activate };
}
