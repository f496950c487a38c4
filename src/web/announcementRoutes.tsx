import { type Context, Hono } from "hono";
import { memberActor } from "../services/auditLog.ts";
import type { DashboardDeps } from "./deps.ts";
import type { Env } from "./env.ts";
import { AnnouncementsPage } from "./pages/announcements.tsx";
import { idParam } from "./params.ts";

/** The lead's announcements: the recent ones, one's deliveries, and retrying its failures. */
export function announcementRoutes(deps: DashboardDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { services } = deps;
  const announcementsPage = async (c: Context<Env>, openedId?: number, notice?: string) => {
    const viewer = c.get("viewer");
    const blocId = viewer.actor.blocId;
    const recent = await services.announcements.recent(blocId, 30);
    const opened = openedId
      ? {
          id: openedId,
          text: (await services.announcements.get(blocId, openedId)).text,
          deliveries: await services.announcements.deliveries(blocId, openedId),
        }
      : undefined;
    return c.html(
      <AnnouncementsPage viewer={viewer} recent={recent} opened={opened} notice={notice} />,
    );
  };
  app.get("/web/announcements", (c) => announcementsPage(c));
  app.get("/web/announcements/:id", (c) => announcementsPage(c, idParam(c)));
  app.post("/web/announcements/:id/retry", async (c) => {
    const viewer = c.get("viewer");
    const id = idParam(c);
    const count = await services.announcements.retryFailed(
      viewer.actor.blocId,
      id,
      memberActor(viewer.actor.memberId),
    );
    const said = count > 0 ? "announcements:retrying" : "announcements:nothing_to_retry";
    return announcementsPage(c, id, viewer.t(said, { id, count }));
  });
  return app;
}
