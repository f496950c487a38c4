import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "../../core/clock.ts";
import { HOUR, MINUTE } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Db } from "../../db/client.ts";
import { memberActor, recordAudit } from "../../services/auditLog.ts";

export interface WebAccessSettings {
  loginTtlMs: number;
  idleMs: number;
  maxAgeMs: number;
  /** Links one member may ask for in `loginTtlMs`. */
  maxLinks: number;
}

export const DEFAULT_WEB_ACCESS: WebAccessSettings = {
  loginTtlMs: 10 * MINUTE,
  idleMs: 8 * HOUR,
  maxAgeMs: 30 * 24 * HOUR,
  maxLinks: 5,
};

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
const newToken = () => randomBytes(32).toString("base64url");

/** A signed-in browser: who it is, and the token its forms must carry. */
export interface WebViewer {
  sessionId: number;
  memberId: number;
  csrfToken: string;
}

/**
 * The dashboard's door: /web answers a one-time link (only its hash is stored, valid
 * minutes, used once) that opens a session; a session lives in the database, ends
 * after hours idle or days in all, at logout, and when the member is removed or their
 * role changes (src/features/membership/roster.ts).
 */
export class WebAccessService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
    private readonly settings: WebAccessSettings = DEFAULT_WEB_ACCESS,
  ) {}

  async issueLoginLink(memberId: number): Promise<{ url: string; expiresAt: Date }> {
    const now = this.clock.now();
    const recent = await this.db.webLoginToken.count({
      where: { memberId, createdAt: { gt: new Date(now.getTime() - this.settings.loginTtlMs) } },
    });
    if (recent >= this.settings.maxLinks) throw new AppError("web_link_too_many");
    const token = newToken();
    const expiresAt = new Date(now.getTime() + this.settings.loginTtlMs);
    const member = await this.db.member.findUniqueOrThrow({ where: { id: memberId } });
    await this.db.webLoginToken.create({
      data: { tokenHash: hash(token), memberId, createdAt: now, expiresAt },
    });
    await recordAudit(this.db, {
      at: this.clock.now(),
      actor: memberActor(memberId),
      action: "web.link",
      blocId: member.blocId,
    });
    return { url: `${this.baseUrl().replace(/\/$/, "")}/web/login/${token}`, expiresAt };
  }

  /** A dashboard address to put in a chat message: it opens where the browser is signed in. */
  pageUrl(path: string): string {
    return `${this.baseUrl().replace(/\/$/, "")}${path}`;
  }

  /**
   * Who a login link is for, without using it (opening it shows a sign-in button; a
   * link preview's robot opens it too); null when it is unknown, used or expired.
   */
  async linkHolder(token: string): Promise<{ language: string } | null> {
    const row = await this.db.webLoginToken.findUnique({
      where: { tokenHash: hash(token) },
      select: {
        usedAt: true,
        expiresAt: true,
        member: { select: { language: true, removedAt: true } },
      },
    });
    if (!row || row.usedAt || row.expiresAt <= this.clock.now() || row.member.removedAt)
      return null;
    return { language: row.member.language };
  }

  /** Trades a login link for a session; null when the link is unknown, used or expired. */
  async redeem(token: string): Promise<{ sessionToken: string; memberId: number } | null> {
    const now = this.clock.now();
    // The conditional update makes the link single-use even with two tabs at once.
    const row = await this.db.webLoginToken.findUnique({ where: { tokenHash: hash(token) } });
    if (!row || row.usedAt || row.expiresAt <= now) return null;
    const claimed = await this.db.webLoginToken.updateMany({
      where: { id: row.id, usedAt: null },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) return null;
    const member = await this.db.member.findUnique({ where: { id: row.memberId } });
    if (!member || member.removedAt) return null;
    return this.#open(member, "link");
  }

  /**
   * A session for the Telegram user a Mini App's signed initData names (checked by
   * the caller, src/features/web/telegramInitData.ts); null for someone not a member.
   */
  async openForTelegramUser(telegramUserId: string) {
    const account = await this.db.account.findUnique({
      where: { platform_platformUserId: { platform: "telegram", platformUserId: telegramUserId } },
      select: { member: true },
    });
    if (!account || account.member.removedAt) return null;
    return this.#open(account.member, "telegram-mini-app");
  }

  async #open(member: { id: number; blocId: number }, via: string) {
    const now = this.clock.now();
    const sessionToken = newToken();
    await this.db.webSession.create({
      data: {
        tokenHash: hash(sessionToken),
        memberId: member.id,
        csrfToken: newToken(),
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + this.settings.maxAgeMs),
      },
    });
    await recordAudit(this.db, {
      at: this.clock.now(),
      actor: memberActor(member.id),
      action: "web.login",
      blocId: member.blocId,
      details: { via },
    });
    return { sessionToken, memberId: member.id };
  }

  /** The session a cookie holds, kept alive by this visit; null when over. */
  async viewer(sessionToken: string | undefined): Promise<WebViewer | null> {
    if (!sessionToken) return null;
    const now = this.clock.now();
    const row = await this.db.webSession.findUnique({ where: { tokenHash: hash(sessionToken) } });
    if (!row) return null;
    const idle = now.getTime() - row.lastSeenAt.getTime() > this.settings.idleMs;
    if (idle || row.expiresAt <= now) {
      await this.db.webSession.deleteMany({ where: { id: row.id } });
      return null;
    }
    // Written at most once a minute: a page with thumbnails is many requests.
    if (now.getTime() - row.lastSeenAt.getTime() > MINUTE) {
      await this.db.webSession.update({ where: { id: row.id }, data: { lastSeenAt: now } });
    }
    return { sessionId: row.id, memberId: row.memberId, csrfToken: row.csrfToken };
  }

  async logout(sessionId: number): Promise<void> {
    await this.db.webSession.deleteMany({ where: { id: sessionId } });
  }
}
