import type { HandlerContext } from "../../core/context.ts";
import { proofLine } from "../evidence/proof.ts";
import type { Services } from "../services.ts";
import type { ReviewItem } from "./service.ts";

/**
 * The proof card of each photo shown with a report in the chat, a line each, under the
 * report's card: the reviewer judges the photos with what the server knows of them.
 */
export async function proofLinesOf(
  ctx: HandlerContext<Services>,
  item: ReviewItem,
  take: number,
): Promise<string | null> {
  if (item.photos === 0 || !ctx.actor) return null;
  const { blocId, timezone } = ctx.actor;
  const proofs = await ctx.services.proofs.ofReport(blocId, item.reportId, take);
  if (proofs.length === 0) return null;
  return [
    ctx.t("proof:review_heading"),
    ...proofs.map((p, i) => proofLine(ctx.t, p, timezone, i + 1)),
  ].join("\n");
}
