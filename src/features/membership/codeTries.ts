import { MINUTE } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { ChatRef, Sender } from "../../core/inbound.ts";
import type { Db } from "../../db/client.ts";

/** Wrong codes are counted per person too, beside the chat's, under this prefix. */
const USER_KEY = "user:";
const userKey = (sender: Sender) => `${USER_KEY}${sender.platformUserId}`;

export interface CodeTryLimits {
  /** Wrong codes allowed per chat, and per person, within the window. */
  maxFailedTries: number;
  tryWindowMinutes: number;
  /** Wrong codes allowed across every chat within the window (guessing from many chats). */
  maxFailedTriesOverall: number;
  /** Told once when the overall limit trips (the leads hear of it). */
  onFlood?: (windowMinutes: number) => Promise<void>;
}

/**
 * How many wrong invite and link codes were typed lately. Each wrong code counts for
 * the chat it was typed in and for the person who typed it (a row each, the person's
 * under `user:<id>`): many accounts in one group, or one account in many groups, both
 * run out of tries. Across the bot, guessing from many chats at once pauses codes, but
 * only for people who are not members yet: outsiders' guesses must not stop a focal
 * point linking their unit's group with the code the lead gave them.
 */
export class CodeTries {
  constructor(
    private readonly db: Db,
    private readonly limits: CodeTryLimits,
  ) {}

  async check(chat: ChatRef, sender: Sender, now: Date, { member }: { member: boolean }) {
    const since = new Date(now.getTime() - this.limits.tryWindowMinutes * MINUTE);
    const inWindow = (platformChatId: string) =>
      this.db.joinAttempt.count({
        where: { platform: chat.platform, platformChatId, at: { gt: since } },
      });
    const [inChat, byPerson] = await Promise.all([
      inWindow(chat.platformChatId),
      inWindow(userKey(sender)),
    ]);
    if (Math.max(inChat, byPerson) >= this.limits.maxFailedTries) {
      throw new AppError("invite_too_many_tries", { minutes: this.limits.tryWindowMinutes });
    }
    if (member) return;
    // One `user:` row per wrong code, whichever chat it came from.
    const overall = await this.db.joinAttempt.count({
      where: { platformChatId: { startsWith: USER_KEY }, at: { gt: since } },
    });
    if (overall >= this.limits.maxFailedTriesOverall) {
      await this.limits.onFlood?.(this.limits.tryWindowMinutes);
      throw new AppError("invite_paused", { minutes: this.limits.tryWindowMinutes });
    }
  }

  async failed(chat: ChatRef, sender: Sender, now: Date): Promise<void> {
    await this.db.joinAttempt.createMany({
      data: [
        { platform: chat.platform, platformChatId: chat.platformChatId, at: now },
        { platform: chat.platform, platformChatId: userKey(sender), at: now },
      ],
    });
  }
}
