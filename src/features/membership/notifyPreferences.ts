import { AppError } from "../../core/errors.ts";
import type { Db } from "../../db/client.ts";

export const NOTIFY_VIA = ["zalo", "telegram", "both"] as const;
export type NotifyVia = (typeof NOTIFY_VIA)[number];

/** Which of a member's apps their notices go to (both by default; /notify changes it). */
export class NotifyPreferences {
  constructor(private readonly db: Db) {}

  /** Where the member's notices go. */
  async of(memberId: number): Promise<NotifyVia> {
    const member = await this.db.member.findUniqueOrThrow({
      where: { id: memberId },
      select: { notifyVia: true },
    });
    return NOTIFY_VIA.find((via) => via === member.notifyVia) ?? "both";
  }

  /** Refuses an app the member has no account on: they would hear nothing at all. */
  async set(memberId: number, via: NotifyVia): Promise<void> {
    if (via !== "both") {
      const account = await this.db.account.findFirst({ where: { memberId, platform: via } });
      if (!account)
        throw new AppError("notify_no_account", { platform: via === "zalo" ? "Zalo" : "Telegram" });
    }
    await this.db.member.update({ where: { id: memberId }, data: { notifyVia: via } });
  }
}
