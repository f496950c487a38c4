import type { Choice } from "./outbound.ts";

/*
 * What people type on a phone, read the way they mean it: without case, diacritics
 * or extra spaces ("Đã hoàn thành", "da hoan thanh", "DA  HOAN THANH" are one answer),
 * numbers as "1", "1.", "1)", "số 1", and yes / no / skip words in both languages.
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

/** "1", "1.", "1)", "(1)", "#1", "số 1", "so 1", "no. 1" → 1; anything else → null. */
export function numberAnswer(text: string): number | null {
  const match = /^(?:so|no\.?|#)?\s*\(?(\d{1,2})\s*[.)]?$/.exec(fold(text));
  return match ? Number(match[1]) : null;
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
  if (NO.has(answer)) return pick(NO_IDS);
  return undefined;
}

/**
 * Turns a typed answer into one of the offered choices: its number, its label, a
 * yes/no/skip word, or the start of exactly one label ("da hoan" for "Đã hoàn thành").
 */
export function matchChoice(text: string, choices: Choice[]): Choice | undefined {
  // Choices that are values (a score's common points, ids "v:…"): "8" means 8 points,
  // not the eighth button.
  if (choices.length > 0 && choices.every((c) => c.id.startsWith("v:"))) {
    const value = (s: string) => fold(s).replace(",", ".");
    return choices.find((c) => value(c.label) === value(text));
  }
  const number = numberAnswer(text);
  if (number !== null) return choices[number - 1];
  const answer = fold(text).replace(/[.!?]+$/, "");
  if (!answer) return undefined;
  const exact = choices.find((c) => fold(c.label) === answer);
  if (exact) return exact;
  const word = byWord(answer, choices);
  if (word) return word;
  // A start of a label counts when it is half of it or two whole words: "da hoan" for
  // "Đã hoàn thành", "quay lai" for "Quay lại biểu mẫu"; a note that begins "Không" is
  // not "Không có ghi chú".
  if (answer.length < 3) return undefined;
  const prefixed = choices.filter((c) => {
    const label = fold(c.label);
    if (!label.startsWith(answer)) return false;
    const wholeWords = label.length === answer.length || label[answer.length] === " ";
    return answer.length * 2 >= label.length || (wholeWords && answer.includes(" "));
  });
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** A command's name as registered: "/BáoCáo" and "/baocao" are the same command. */
export const commandName = (name: string) => fold(name).replace(/\s/g, "");
