import type { Language } from "../../core/roles.ts";
import type { Prisma } from "../../db/client.ts";
import type { Outbox } from "../../delivery/outbox.ts";
import type { Translate, Translator } from "../../i18n/translator.ts";
import { deliveryTo, reachUnits } from "../../services/recipients.ts";
import type { BallotView } from "./ballotView.ts";

/**
 * What every member unit hears of a ballot (opened, a second round, the result): one
 * delivery per chat, each in its reader's language, under one key so it goes once.
 */
export async function announceToBloc(
  tx: Prisma.TransactionClient,
  outbox: Outbox,
  translator: Translator,
  defaultLanguage: Language,
  view: BallotView,
  key: string,
  text: (t: Translate) => string,
): Promise<void> {
  const { recipients } = await reachUnits(tx, view.blocId, "all", "everyone", defaultLanguage);
  const texts = new Map<Language, string>();
  const textIn = (language: Language) => {
    const known = texts.get(language);
    if (known !== undefined) return known;
    const made = text(translator.for(language));
    texts.set(language, made);
    return made;
  };
  await outbox.enqueue(
    recipients.map((r) =>
      deliveryTo(r, {
        kind: "ANNOUNCEMENT",
        key: key,
        blocId: view.blocId,
        text: textIn(r.language),
      }),
    ),
    tx,
  );
}
