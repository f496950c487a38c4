import type { Language } from "../../core/roles.ts";
import type { Prisma } from "../../db/client.ts";
import type { Outbox } from "../../delivery/outbox.ts";
import { formatDateTime as formatAt } from "../../i18n/datetime.ts";
import type { Translator } from "../../i18n/translator.ts";
import { deliveryTo, reachUnits } from "../../services/recipients.ts";
import { loadBallotView } from "./ballotView.ts";

/** Before closing, the units that have not voted hear a reminder this long before (minutes). */
export const BALLOT_REMINDER_SLOTS = [24 * 60, 2 * 60];

interface OpenBallotRow {
  id: number;
  blocId: number;
  round: number;
  closesAt: Date;
  lastReminderSlot: number | null;
}

/** The reminder due now for an open ballot, or null: each slot once, the latest one passed. */
export function reminderSlot(row: OpenBallotRow, now: Date): number | null {
  const left = (row.closesAt.getTime() - now.getTime()) / 60_000;
  const slot = BALLOT_REMINDER_SLOTS.filter((s) => left <= s).at(-1);
  if (slot === undefined || (row.lastReminderSlot !== null && row.lastReminderSlot <= slot)) {
    return null;
  }
  return slot;
}

/**
 * The units yet to vote hear the reminder of `slot`, in their language, and the slot is
 * marked in the same transaction (a second tick, or instance, sends nothing). Answers
 * how many units were reminded.
 */
export async function remindNonVoters(
  tx: Prisma.TransactionClient,
  outbox: Outbox,
  translator: Translator,
  defaultLanguage: Language,
  row: OpenBallotRow,
  slot: number,
): Promise<number> {
  const view = await loadBallotView(tx, row.id);
  const missing = view.electorate.filter((e) => !e.voted);
  const bloc = await tx.bloc.findUniqueOrThrow({ where: { id: row.blocId } });
  const { recipients } = await reachUnits(
    tx,
    row.blocId,
    missing.map((m) => m.unitId),
    "focal",
    defaultLanguage,
  );
  await outbox.enqueue(
    recipients.map((r) =>
      deliveryTo(r, {
        kind: "REMINDER",
        key: `ballot:${row.id}:${row.round}:remind:${slot}`,
        blocId: row.blocId,
        text: translator.for(r.language)("ballot:reminder", {
          question: view.question,
          at: formatAt(row.closesAt, bloc.timezone),
        }),
      }),
    ),
    tx,
  );
  await tx.ballot.update({ where: { id: row.id }, data: { lastReminderSlot: slot } });
  return missing.length;
}
