import type { HandlerContext } from "../../core/context.ts";
import type { KeptPhoto, OutboundMessage } from "../../core/outbound.ts";
import { recycledLines } from "../evidence/recycledLines.ts";
import type { Services } from "../services.ts";
import { proofLinesOf } from "./proofLines.ts";
import type { ReviewItem } from "./service.ts";

type Ctx = HandlerContext<Services>;

/**
 * Photos shown in the chat at most: one Telegram album, and ten photo messages on
 * Zalo are already a long scroll on a phone. The rest are on the report's page.
 */
export const PHOTOS_IN_CHAT = 10;

/**
 * What a reviewer sees of a report's evidence in the chat: its photos, where the app
 * can be sent them, and a line saying how many are shown and where the others are;
 * where it cannot (Zalo without a public address), the report's dashboard page.
 */
async function evidenceOf(
  ctx: Ctx,
  item: ReviewItem,
): Promise<{ album: KeptPhoto[]; line: string | null }> {
  if (item.photos === 0) return { album: [], line: null };
  const url = ctx.services.webAccess.pageUrl(`/web/reviews/${item.reportId}`);
  if (!ctx.capabilities.photos) {
    return { album: [], line: ctx.t("review:evidence_on_web", { url }) };
  }
  const blocId = ctx.actor?.blocId ?? -1;
  const { photos, total } = await ctx.services.gallery.ofReport(
    blocId,
    item.reportId,
    PHOTOS_IN_CHAT,
  );
  const album = photos.map((p) => ({
    storageKey: p.storageKey,
    ...(p.caption ? { caption: p.caption } : {}),
  }));
  const rest = total - album.length;
  return {
    album,
    line:
      rest > 0 ? ctx.t("review:evidence_more", { shown: album.length, total, rest, url }) : null,
  };
}

/**
 * Replies with a report's card preceded by its photos. `before` (what became of the
 * previous report) comes first, as its own message when photos follow it, so the
 * photos sit right above the card they belong to and its choices.
 */
export async function replyWithEvidence(
  ctx: Ctx,
  item: ReviewItem,
  before: string | undefined,
  card: OutboundMessage,
): Promise<void> {
  const { album, line } = await evidenceOf(ctx, item);
  const proofs = await proofLinesOf(ctx, item, PHOTOS_IN_CHAT);
  // Recycled photos: a line each, under the card, where the decision is made.
  const recycled = ctx.actor
    ? recycledLines(
        ctx.t,
        ctx.actor.timezone,
        await ctx.services.recycled.ofReport(ctx.actor.blocId, item.reportId),
      ).join("\n")
    : "";
  if (before && album.length > 0) ctx.reply(before);
  ctx.reply({
    ...card,
    text: [album.length > 0 ? null : before, card.text, proofs, recycled, line]
      .filter(Boolean)
      .join("\n\n"),
    ...(album.length > 0 ? { album } : {}),
  });
}
