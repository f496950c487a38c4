import type { Choice } from "./outbound.ts";

/*
 * What people type on a phone, read the way they mean it: without case, diacritics
 * or extra spaces ("Đã hoàn thành", "da hoan thanh", "DA  HOAN THANH" are one answer),
 * numbers as "1", "1.", "1)", "số 1", and yes / no / skip words in both languages;
 * an emoji or a full stop after the answer ("1 👍", "8.") is not part of it.
 */

/** Lower case, no diacritics (đ → d), single spaces, trimmed. */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** Emoji, their joiners and variation selectors: decoration around an answer. */
const DECORATION = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u20e3/gu;

/** The answer without emoji and without the punctuation a phone adds at its end. */
export function tidy(text: string): string {
  return text
    .normalize("NFC")
    .replace(DECORATION, " ")
    .replace(/[\s.!?,;:…~]+$/u, "")
    .trim();
}

/** Folded, with every sign that is not a letter or a digit dropped ("☑ Ban Dân vận" → "ban dan van"). */
const labelKey = (text: string) => fold(text.replace(/[^\p{L}\p{N}]+/gu, " "));

/** "1", "1.", "1)", "(1)", "#1", "số 1", "so 1", "no. 1", "1 👍" → 1; anything else → null. */
export function numberAnswer(text: string): number | null {
  const match = /^(?:so|no\.?|#)?\s*\(?(\d{1,2})\s*[.)]?$/.exec(fold(tidy(text)));
  return match ? Number(match[1]) : null;
}

/**
 * A score as typed: "8", "8.", "8,5", "8.5", "8,5 đ", "8 điểm", "8/10" → the number;
 * anything else → null. Whether it is in range is the caller's question.
 */
export function decimalAnswer(text: string): number | null {
  const match = /^(\d{1,4}(?:[.,]\d{1,2})?)\s*(?:diem|d)?\s*(?:\/\s*\d{1,4}\s*(?:diem|d)?)?$/.exec(
    fold(tidy(text)),
  );
  return match ? Number((match[1] ?? "").replace(",", ".")) : null;
}

const YES = new Set([
  "co",
  "c",
  "yes",
  "y",
  "ok",
  "oke",
  "dong y",
  "u",
  "uh",
  "vang",
  "gui",
  "xac nhan",
]);
const NO = new Set(["khong", "ko", "k", "kg", "no", "n", "thoi", "huy"]);
const SKIP = new Set(["bo qua", "boqua", "skip", "-", "khong co", "ko co", "qua"]);
/** "Finished" at a step that collects things (photos, units): the done choice, or skip. */
const DONE = new Set(["xong", "xong roi", "het", "done", "finish", "finished"]);

/** Choice ids that mean "yes, go on" or "no, stop", so the words above can pick them. */
const YES_IDS = new Set(["yes", "send", "submit", "confirm", "move", "activate", "announce"]);
const NO_IDS = new Set(["no", "cancel", "keep"]);

function byWord(answer: string, choices: Choice[]): Choice | undefined {
  const pick = (ids: Set<string>) => {
    const found = choices.filter((c) => ids.has(c.id));
    return found.length === 1 ? found[0] : undefined;
  };
  if (SKIP.has(answer)) return choices.find((c) => c.id === "skip");
  if (DONE.has(answer))
    return choices.find((c) => c.id === "done") ?? choices.find((c) => c.id === "skip");
  if (YES.has(answer)) return pick(YES_IDS);
  // "ko" at an optional step means "none" (no note, no photo), which is its skip;
  // elsewhere the one choice that stops, or the one that says "no …" ("Không có ảnh").
  if (NO.has(answer))
    return (
      choices.find((c) => c.id === "skip") ??
      pick(NO_IDS) ??
      only(choices.filter((c) => /^(khong|no|none)\b/.test(labelKey(c.label))))
    );
  return undefined;
}

const only = <T>(list: T[]): T | undefined => (list.length === 1 ? list[0] : undefined);

/**
 * Turns a typed answer into one of the offered choices: its number, its label, a
 * yes/no/skip word, or the start of exactly one label ("da hoan" for "Đã hoàn thành").
 */
export function matchChoice(text: string, choices: Choice[]): Choice | undefined {
  // Choices that are values (a score's common points, ids "v:…"): "8" means 8 points,
  // not the eighth button.
  if (choices.length > 0 && choices.every((c) => c.id.startsWith("v:"))) {
    const value = decimalAnswer(text);
    return value === null ? undefined : choices.find((c) => decimalAnswer(c.label) === value);
  }
  const number = numberAnswer(text);
  if (number !== null) return choices[number - 1];
  const answer = fold(tidy(text));
  if (!answer) return undefined;
  const word = byWord(answer, choices);
  const key = labelKey(answer);
  if (!key) return word;
  const exact = choices.find((c) => labelKey(c.label) === key);
  if (exact) return exact;
  if (word) return word;
  // A start of a label counts when it is half of it or two whole words: "da hoan" for
  // "Đã hoàn thành", "quay lai" for "Quay lại biểu mẫu"; a note that begins "Không" is
  // not "Không có ghi chú".
  if (key.length < 3) return undefined;
  return only(
    choices.filter((c) => {
      const label = labelKey(c.label);
      if (!label.startsWith(key)) return false;
      const wholeWords = label.length === key.length || label[key.length] === " ";
      return key.length * 2 >= label.length || (wholeWords && key.includes(" "));
    }),
  );
}

/**
 * Several choices in one answer, for a step that ticks many (units to announce to):
 * "1, 2, 5", "1 2 5", "1-3", "2 và 5", names without diacritics separated by commas
 * or lines ("van phong tinh uy, ban dan van"). Every part must name a choice, or the
 * answer is not understood (null): a half-read list would tick the wrong units.
 */
export function matchChoices(text: string, choices: Choice[]): Choice[] | null {
  const parts = tidy(text)
    .split(/[,;\n+]+|\s(?:và|va|and|&)\s/iu)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return null;
  const picked: Choice[] = [];
  for (const part of parts) {
    const found = choicesInPart(part, choices);
    if (!found) return null;
    picked.push(...found);
  }
  return [...new Set(picked)];
}

function choicesInPart(part: string, choices: Choice[]): Choice[] | null {
  const folded = fold(part);
  const range = /^(\d{1,3})\s*(?:-|–|—|den|toi|to)\s*(\d{1,3})$/.exec(folded);
  const numbers = range
    ? spread(Number(range[1]), Number(range[2]))
    : /^\d{1,3}(?: \d{1,3})*$/.test(folded)
      ? folded.split(" ").map(Number)
      : null;
  if (numbers) {
    const found = numbers.map((n) => choices[n - 1]);
    return found.every((c) => c !== undefined) ? (found as Choice[]) : null;
  }
  const one = matchChoice(part, choices);
  return one ? [one] : null;
}

/** first…last, in either order; a range longer than any list is a typo, not 500 ticks. */
function spread(first: number, last: number): number[] | null {
  const [from, to] = first <= last ? [first, last] : [last, first];
  if (from < 1 || to - from > 200) return null;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A command's name as registered: "/BáoCáo" and "/baocao" are the same command. */
export const commandName = (name: string) => fold(name).replace(/\s/g, "");
