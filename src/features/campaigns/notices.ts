import type { Clock } from "../../core/clock.ts";
import type { Language } from "../../core/roles.ts";
import type { Prisma } from "../../db/client.ts";
import type { Outbox } from "../../delivery/outbox.ts";
import type { Translate, Translator } from "../../i18n/translator.ts";
import { deliveryTo, reachUnits } from "../../services/recipients.ts";

/**
 * Tells every unit of a bloc that a campaign changed in a way that changes what it must
 * do (closed, reopened, a deadline moved, a criterion added…), each chat in its reader's
 * language. Written in the transaction that decides the change: rolled back with it.
 * The groups and focal points hear it (the circle reminders use): they are who reports.
 */
export class CampaignNotices {
  constructor(
    private readonly outbox: Outbox,
    private readonly translator: Translator,
    private readonly clock: Clock,
    private readonly defaultLanguage: Language,
    private readonly nudge: () => void = () => {},
  ) {}

  /** Answers how many chats were told. `what` names the change, for the delivery's key. */
  async tell(
    tx: Prisma.TransactionClient,
    campaign: { id: number; blocId: number },
    what: string,
    text: (t: Translate) => string,
  ): Promise<number> {
    const { recipients } = await reachUnits(
      tx,
      campaign.blocId,
      "all",
      "focal",
      this.defaultLanguage,
    );
    if (recipients.length === 0) return 0;
    const texts = new Map<Language, string>();
    const textIn = (language: Language) => {
      let made = texts.get(language);
      if (made === undefined) {
        made = text(this.translator.for(language));
        texts.set(language, made);
      }
      return made;
    };
    const at = this.clock.now().getTime();
    const written = await this.outbox.enqueue(
      recipients.map((r) =>
        deliveryTo(r, {
          kind: "ANNOUNCEMENT",
          key: `campaign:${campaign.id}:${what}:${at}`,
          blocId: campaign.blocId,
          text: textIn(r.language),
        }),
      ),
      tx,
    );
    this.nudge();
    return written;
  }
}
