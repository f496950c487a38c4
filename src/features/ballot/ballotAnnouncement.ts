import type { Language } from "../../core/roles.ts";
import type { Prisma } from "../../db/client.ts";
import type { Outbox } from "../../delivery/outbox.ts";
import type { Translate, Translator } from "../../i18n/translator.ts";
import { deliveryTo, reachUnits } from "../../services/recipients.ts";
import { type BallotView, loadBallotView } from "./ballotView.ts";

/**
 * What every member unit hears of a ballot (opened, a second round, the result): one
 * delivery per chat, each in its reader's language, under one key so it goes once.
 */
export async function announceToBloc(
  tx: Prisma.TransactionClient,
  deps: { outbox: Outbox; translator: Translator; defaultLanguage: Language },
  ballotId: number,
  key: (view: BallotView) => string,
  text: (t: Translate, view: BallotView, timezone: string) => string,
): Promise<void> {
  const view = await loadBallotView(tx, ballotId);
  const bloc = await tx.bloc.findUniqueOrThrow({ where: { id: view.blocId } });
  const { recipients } = await reachUnits(tx, view.blocId, "all", "everyone", deps.defaultLanguage);
  const texts = new Map<Language, string>();
  const textIn = (language: Language) => {
    const known = texts.get(language);
    if (known !== undefined) return known;
    const made = text(deps.translator.for(language), view, bloc.timezone);
    texts.set(language, made);
    return made;
  };
  await deps.outbox.enqueue(
    recipients.map((r) =>
      deliveryTo(r, {
        kind: "ANNOUNCEMENT",
        key: key(view),
        blocId: view.blocId,
        text: textIn(r.language),
      }),
    ),
    tx,
  );
}
