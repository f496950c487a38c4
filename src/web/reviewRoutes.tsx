import { type Context, Hono } from "hono";
import { AppError } from "../core/errors.ts";
import { parseScore } from "../features/campaigns/criteria.ts";
import { describeTotal } from "../features/review/score.ts";
import { memberActor } from "../services/auditLog.ts";
import type { DashboardDeps } from "./deps.ts";
import type { Env } from "./env.ts";
import { RankingPage } from "./pages/ranking.tsx";
import { ReviewPage, ReviewQueuePage } from "./pages/reviews.tsx";
import { idParam, positiveQuery } from "./params.ts";

/** Photos per page of one report under review: thumbnails a phone scrolls through. */
export const REVIEW_PHOTOS_PER_PAGE = 60;

/** The reviewers' area: the queue, one report and its three decisions, and the ranking. */
export function reviewRoutes(deps: DashboardDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { services } = deps;

  app.get("/web/ranking/:id", async (c) => {
    const viewer = c.get("viewer");
    const ranking = await services.ranking.campaign(viewer.actor.blocId, idParam(c));
    return c.html(<RankingPage viewer={viewer} ranking={ranking} />);
  });
  app.post("/web/ranking/:id/publish", async (c) => {
    const viewer = c.get("viewer");
    if (viewer.actor.role !== "LEAD") throw new AppError("forbidden");
    const ranking = await services.publication.publish(
      viewer.actor.blocId,
      idParam(c),
      viewer.actor.memberId,
    );
    return c.html(
      <RankingPage
        viewer={viewer}
        ranking={ranking}
        notice={viewer.t("review:published", { campaign: ranking.campaign.title })}
      />,
    );
  });
  app.post("/web/ranking/:id/self-scores", async (c) => {
    const viewer = c.get("viewer");
    if (viewer.actor.role !== "LEAD") throw new AppError("forbidden");
    const body = await c.req.parseBody();
    const on = body.rankSelfScores === "on";
    await services.ranking.setRankSelfScores(
      viewer.actor.blocId,
      on,
      memberActor(viewer.actor.memberId),
    );
    const ranking = await services.ranking.campaign(viewer.actor.blocId, idParam(c));
    return c.html(
      <RankingPage
        viewer={viewer}
        ranking={ranking}
        notice={viewer.t(on ? "review:self_scores_on" : "review:self_scores_off")}
      />,
    );
  });

  const queue = async (c: Context<Env>, notice?: string) => {
    const viewer = c.get("viewer");
    const waiting = await services.review.waiting(viewer.actor.blocId);
    return c.html(<ReviewQueuePage viewer={viewer} waiting={waiting} notice={notice} />);
  };
  app.get("/web/reviews", (c) => queue(c));
  app.get("/web/reviews/:id", async (c) => {
    const viewer = c.get("viewer");
    const id = idParam(c);
    const item = await services.review.get(viewer.actor.blocId, id);
    const after = positiveQuery(c, "after");
    let first = !after;
    let photos = await services.review.photoPage(viewer.actor.blocId, id, {
      take: REVIEW_PHOTOS_PER_PAGE,
      after,
    });
    // Past the last photo (an old or made-up address): the first page, not an empty one.
    if (after && photos.photos.length === 0) {
      first = true;
      photos = await services.review.photoPage(viewer.actor.blocId, id, {
        take: REVIEW_PHOTOS_PER_PAGE,
      });
    }
    const recycled = await services.recycled.ofReport(viewer.actor.blocId, id);
    return c.html(
      <ReviewPage viewer={viewer} item={item} photos={photos} first={first} recycled={recycled} />,
    );
  });
  const decision = (c: Context<Env>) => {
    const viewer = c.get("viewer");
    return { viewer, id: idParam(c), blocId: viewer.actor.blocId, by: viewer.actor.memberId };
  };
  const reasonOf = (body: Record<string, unknown>) =>
    typeof body.reason === "string" ? body.reason : "";
  const versionOf = async (c: Context<Env>) => {
    const body = await c.req.parseBody();
    const version = Number(body.version);
    if (!Number.isInteger(version) || version < 0) throw new AppError("review_changed");
    return { body, version };
  };
  app.post("/web/reviews/:id/approve", async (c) => {
    const { viewer, id, blocId, by } = decision(c);
    const { body, version: v } = await versionOf(c);
    const { item, total } = await services.review.approve(blocId, id, v, by, reasonOf(body));
    return queue(
      c,
      viewer.t("review:approved", { unit: item.unitName, total: describeTotal(viewer.t, total) }),
    );
  });
  app.post("/web/reviews/:id/return", async (c) => {
    const { viewer, id, blocId, by } = decision(c);
    const { body, version } = await versionOf(c);
    const reason = typeof body.reason === "string" ? body.reason : "";
    const { item, notified } = await services.review.returnReport(blocId, id, version, by, reason);
    return queue(c, viewer.t("review:returned", { unit: item.unitName, chats: notified }));
  });
  app.post("/web/reviews/:id/score", async (c) => {
    const { viewer, id, blocId, by } = decision(c);
    const { body, version } = await versionOf(c);
    const item = await services.review.get(blocId, id);
    const points = Object.fromEntries(
      item.criteria.map((cr) => [cr.id, parseScore(String(body[`c${cr.id}`] ?? "")) ?? Number.NaN]),
    );
    const { total } = await services.review.score(blocId, id, version, by, points, reasonOf(body));
    return queue(
      c,
      viewer.t("review:scored", { unit: item.unitName, total: describeTotal(viewer.t, total) }),
    );
  });
  return app;
}
