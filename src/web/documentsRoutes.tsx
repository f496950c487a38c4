import { type Context, Hono } from "hono";
import { AppError } from "../core/errors.ts";
import { optionLabel } from "../features/documents/labels.ts";
import { parsePeriod, periodArgs } from "../features/documents/period.ts";
import { formatDateTime } from "../i18n/datetime.ts";
import type { DashboardDeps } from "./deps.ts";
import type { Env } from "./env.ts";
import { DocumentsPage, type MadePack } from "./pages/documents.tsx";

/**
 * /web/documents, the lead's: the periods the pack can be made for and, after a
 * post, the files' signed links. The same service as /tongket and `admin documents`.
 */
export function documentsRoutes(deps: DashboardDeps): Hono<Env> {
  const { services } = deps;
  const app = new Hono<Env>();
  const page = async (c: Context<Env>, extra: { made?: MadePack; refused?: string } = {}) => {
    const viewer = c.get("viewer");
    if (!viewer.lead) throw new AppError("forbidden");
    const options = await services.documents.options(viewer.actor.blocId);
    const periods = options.map((o) => ({
      args: periodArgs(o.period),
      label: optionLabel(viewer, o),
    }));
    return c.html(
      <DocumentsPage viewer={viewer} periods={periods} {...extra} />,
      extra.refused ? 400 : 200,
    );
  };
  app.get("/web/documents", (c) => page(c));
  app.post("/web/documents", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer.lead) throw new AppError("forbidden");
    const body = await c.req.parseBody();
    const input = typeof body.period === "string" ? body.period : "";
    const period = parsePeriod(input);
    if (!period) {
      return page(c, { refused: viewer.t("documents:bad_period", { input: input.slice(0, 40) }) });
    }
    const service = services.documents;
    const pack = await service.build(viewer.actor.blocId, period, services.translate("vi"));
    const links = service
      .downloadLinks(pack.files)
      .map(({ file, url }) => ({ fileName: file.fileName, url }));
    return page(c, {
      made: { pack, links, until: formatDateTime(service.linksExpireAt(), viewer.actor.timezone) },
    });
  });
  return app;
}
