import { join } from "node:path";
import { type Context, Hono } from "hono";
import { AppError } from "../core/errors.ts";
import type { DashboardDeps } from "./deps.ts";
import type { Env } from "./env.ts";
import { GalleryPage, PhotoPage } from "./pages/gallery.tsx";
import { positiveQuery } from "./params.ts";
import { Thumbnails } from "./thumbnails.ts";

/** Photos per gallery page: a phone scrolls them; the server sends a few dozen KB. */
const GALLERY_PAGE = 120;

/** The gallery (a page of photos, newest first) and each photo, its thumbnail and bytes. */
export function galleryRoutes(deps: DashboardDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { services } = deps;
  const thumbnails = new Thumbnails(join(deps.dataDir, "thumbs"), (key) =>
    services.evidenceStore.get(key),
  );

  app.get("/web/gallery", async (c) => {
    const viewer = c.get("viewer");
    const number = (name: string) => positiveQuery(c, name);
    // A unit's members see their own unit's photos, whatever the address asks.
    const unitId = viewer.reviewer ? number("unit") : (viewer.actor.unitId ?? -1);
    const campaignId = number("campaign");
    const deadlineId = number("deadline");
    const filter = {
      ...(campaignId ? { campaignId } : {}),
      ...(deadlineId ? { deadlineId } : {}),
      ...(unitId ? { unitId } : {}),
    };
    const [listed, campaigns, units] = await Promise.all([
      services.gallery.list(viewer.actor.blocId, filter, {
        take: GALLERY_PAGE,
        before: number("before"),
        after: number("after"),
      }),
      services.campaigns.list(viewer.actor.blocId, ["ACTIVE", "CLOSED"]),
      services.blocs.listUnits(viewer.actor.blocId),
    ]);
    const chosen = campaigns.find((x) => x.id === campaignId);
    return c.html(
      <GalleryPage
        viewer={viewer}
        photos={listed.photos}
        total={listed.total}
        newer={listed.newer}
        older={listed.older}
        query={new URL(c.req.url).searchParams}
        filter={filter}
        campaigns={campaigns.map((x) => ({ id: x.id, label: x.title }))}
        deadlines={(chosen?.deadlines ?? []).map((d) => ({
          id: d.id,
          label: d.dueAt.toISOString().slice(0, 10),
        }))}
        units={units
          .filter((u) => viewer.reviewer || u.id === viewer.actor.unitId)
          .map((u) => ({ id: u.id, label: u.name }))}
      />,
    );
  });

  const photo = async (c: Context<Env>) => {
    const viewer = c.get("viewer");
    const found = await services.gallery.find(c.req.param("sha") ?? "", {
      blocId: viewer.actor.blocId,
      unitId: viewer.actor.unitId,
      wholeBloc: viewer.reviewer,
    });
    if (!found) throw new AppError("not_found");
    return found;
  };
  app.get("/web/photos/:sha", async (c) => {
    const viewer = c.get("viewer");
    const found = await photo(c);
    const recycled = viewer.reviewer
      ? await services.recycled.ofPhoto(viewer.actor.blocId, found.sha256)
      : [];
    return c.html(<PhotoPage viewer={viewer} photo={found} recycled={recycled} />);
  });
  app.get("/web/photos/:sha/thumb", async (c) => {
    const found = await photo(c);
    const bytes = await thumbnails.get(found.sha256, found.storageKey);
    return c.body(Buffer.from(bytes), 200, {
      "content-type": "image/webp",
      "cache-control": "private, max-age=86400",
    });
  });
  app.get("/web/photos/:sha/full", async (c) => {
    const found = await photo(c);
    const bytes = await services.evidenceStore.get(found.storageKey);
    return c.body(Buffer.from(bytes), 200, {
      "content-type": found.mimeType,
      "cache-control": "private, max-age=86400",
    });
  });
  return app;
}
