import { matchChoices } from "../../core/answerText.ts";
import type { StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import type { Choice } from "../../core/outbound.ts";

/*
 * A step that ticks several things (candidates, titles): a press or a typed number ticks
 * or unticks one, a typed list ("1, 3", names) ticks those, "xong"/done moves on. The
 * same on Zalo (numbered lines) and Telegram (tick boxes).
 */

export const tickId = (id: number) => `t${id}`;

/** The ticked ids after an answer, and whether the person said they are done. */
export function readTicks(
  input: StepInput,
  offered: Choice[],
  ticked: number[],
): { ticked: number[]; done: boolean } {
  const named =
    input.type === "choice"
      ? [input.choiceId]
      : input.type === "text"
        ? matchChoices(input.text, offered)?.map((c) => c.id)
        : undefined;
  if (!named) throw new AppError("pick_a_choice");
  const ids = named.filter((id) => /^t\d+$/.test(id)).map((id) => Number(id.slice(1)));
  const now = new Set(ticked);
  if (ids.length === 1) {
    const [id = 0] = ids;
    if (now.has(id)) now.delete(id);
    else now.add(id);
  } else if (ids.length > 1 && ids.every((id) => now.has(id))) {
    for (const id of ids) now.delete(id);
  } else {
    for (const id of ids) now.add(id);
  }
  return {
    ticked: [...now],
    done: named.includes("done") || (ids.length > 1 && input.type === "text"),
  };
}

/** The choices of a ticking step: each item with its box, then "done". */
export function tickChoices(
  items: { id: number; label: string }[],
  ticked: number[],
  doneLabel: string,
  boxes: boolean,
): Choice[] {
  const on = new Set(ticked);
  return [
    ...items.map((i) => ({
      id: tickId(i.id),
      label: boxes ? `${on.has(i.id) ? "☑" : "☐"} ${i.label}` : i.label,
    })),
    { id: "done", label: doneLabel },
  ];
}
